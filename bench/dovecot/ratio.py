#!/usr/bin/env python3
"""Markdown tables from a sealbox-vs-dovecot.sh output directory: each server's results, then Sealbox / Dovecot.

    ratio.py DIR     # reads DIR/{sealbox,dovecot}.{json,cpu,mem}
"""
import json, sys

d = sys.argv[1]
r = {s: json.load(open(f"{d}/{s}.json")) for s in ("sealbox", "dovecot")}


def usage(s):
    c0, c1 = (float(x) for x in open(f"{d}/{s}.cpu").read().split())
    rss, pss, n = open(f"{d}/{s}.mem").read().split()
    return c1 - c0, float(rss), float(pss), int(n)


for s in ("sealbox", "dovecot"):
    j = r[s]
    print(f"\n{s}: {j['total_ops']:,} operations in {j['seconds']:.1f} s "
          f"({j['total_ops'] / j['seconds']:,.0f} ops/s), {j['errors']} errors, {j['inconsistencies']} inconsistencies")
    print("\n| operation | count | ops/s | p50 ms | p95 ms | p99 ms | errors |\n|---|---|---|---|---|---|---|")
    for k, o in sorted(j["ops"].items()):
        print(f"| {k} | {o['ok']} | {o['ops_per_second']:.1f} | {o['p50_ms']:.2f} | {o['p95_ms']:.2f} | "
              f"{o['p99_ms']:.2f} | {o['errors']} |")
    cpu, rss, pss, n = usage(s)
    print(f"\nserver (process tree): {cpu:.2f} CPU s ({100 * cpu / j['seconds']:.0f}% of one core), "
          f"peak RSS {rss:.1f} MiB, peak PSS {pss:.1f} MiB, up to {n} processes")

S, D = r["sealbox"], r["dovecot"]
print("\n| operation | ops/s Sealbox / Dovecot | ratio | p50 ms S / D | ratio | p99 ms S / D | ratio |")
print("|---|---|---|---|---|---|---|")
ratio = lambda a, b: f"{a / b:.2f}" if b else "—"
for k in sorted(set(S["ops"]) | set(D["ops"])):
    a, b = S["ops"].get(k), D["ops"].get(k)
    if not a or not b:
        continue
    print(f"| {k} | {a['ops_per_second']:.1f} / {b['ops_per_second']:.1f} | {ratio(a['ops_per_second'], b['ops_per_second'])} "
          f"| {a['p50_ms']:.2f} / {b['p50_ms']:.2f} | {ratio(a['p50_ms'], b['p50_ms'])} "
          f"| {a['p99_ms']:.2f} / {b['p99_ms']:.2f} | {ratio(a['p99_ms'], b['p99_ms'])} |")
ts, td = S["total_ops"] / S["seconds"], D["total_ops"] / D["seconds"]
print(f"| **total** | {ts:,.0f} / {td:,.0f} | {ratio(ts, td)} | | | | |")
cs, cd = usage("sealbox")[0] / S["total_ops"] * 1e3, usage("dovecot")[0] / D["total_ops"] * 1e3
print(f"\nserver CPU ms per operation: Sealbox {cs:.2f}, Dovecot {cd:.2f} (ratio {ratio(cs, cd)})")
