#!/usr/bin/env python3
"""CPU and memory of a server process and all its descendants (Dovecot runs one process per connection).

    proctree.py cpu PID          # CPU seconds: utime+stime of PID and every live descendant, plus cutime+cstime
                                 # (children that exited and were reaped: Dovecot's imap/login processes)
    proctree.py watch PID OUT    # every 0.2 s until SIGTERM/SIGINT; then writes peak "rss_mib pss_mib processes" to OUT

sealbox-bench --server-pid measures one process, which is the whole of Sealbox but only the master of Dovecot.
"""
import os, signal, sys, time

TICK = os.sysconf("SC_CLK_TCK")


def stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        s = f.read()
    rest = s[s.rindex(")") + 2:].split()
    return int(rest[1]), [int(x) for x in rest[11:15]]  # ppid; utime stime cutime cstime


def tree(root):
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                kids.setdefault(stat(int(d))[0], []).append(int(d))
            except (OSError, ValueError):
                pass
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += kids.get(p, [])
    return out


def cpu(root):
    total = 0
    for p in tree(root):
        try:
            total += sum(stat(p)[1])
        except OSError:
            pass
    return total / TICK


def mem(root):
    rss = pss = n = 0
    for p in tree(root):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
            n += 1
        except OSError:
            pass
    return rss, pss, n


if __name__ == "__main__":
    if sys.argv[1] == "cpu":
        print(f"{cpu(int(sys.argv[2])):.2f}")
    elif sys.argv[1] == "watch":
        pid, out = int(sys.argv[2]), sys.argv[3]
        peak = [0, 0, 0]
        stop = []
        signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
        signal.signal(signal.SIGINT, lambda *a: stop.append(1))
        while not stop:
            peak = [max(a, b) for a, b in zip(peak, mem(pid))]
            time.sleep(0.2)
        with open(out, "w") as f:
            f.write(f"{peak[0] / 1024:.1f} {peak[1] / 1024:.1f} {peak[2]}\n")
    else:
        sys.exit(__doc__)
