// store_bench: what storing mail costs on this machine.
//   1. blob seal and open throughput (Brotli + XChaCha20-Poly1305) for 4 KiB, 64 KiB and 1 MiB mail-like messages
//   2. journal appends per second with one fdatasync per batch of 1, 16 and 256 records (group commit)
//   3. Argon2id time at the default parameters and at the floor
// Usage: store_bench [--dir DIR]   (DIR: where the journal is written; default /var/tmp; use the mail volume)
// Bounded: every measurement stops after about a second or a fixed count, whichever comes first.
#include <cstring>
#include <filesystem>

#include "bench/bench_util.h"
#include "crypto/blob.h"
#include "crypto/password.h"
#include "crypto/random.h"
#include "store/journal.h"

namespace {

void blob_throughput() {
  std::printf("\n%-10s %12s %12s %10s\n", "message", "seal MB/s", "open MB/s", "stored/raw");
  for (std::size_t size : {std::size_t{4096}, std::size_t{65536}, std::size_t{1} << 20}) {
    auto dek = crypto::Key::random();
    std::string msg = bench::mail_like(size, 7);
    auto plain = base::as_bytes(msg);
    base::Bytes sealed;
    int n = 0;
    auto t0 = std::chrono::steady_clock::now();
    while ((n < 20000 && bench::seconds_since(t0) < 1.0) || n < 3) {
      sealed = crypto::seal_blob(dek, {}, plain);
      ++n;
    }
    double seal_s = bench::seconds_since(t0) / n;
    int m = 0;
    t0 = std::chrono::steady_clock::now();
    while ((m < 20000 && bench::seconds_since(t0) < 1.0) || m < 3) {
      auto back = crypto::open_blob(dek, {}, sealed);
      if (!back || back->size() != size) {
        std::printf("open failed\n");
        return;
      }
      ++m;
    }
    double open_s = bench::seconds_since(t0) / m;
    std::printf("%-10s %12.1f %12.1f %10.2f\n",
                size >= (1 << 20) ? "1 MiB" : (size >= 65536 ? "64 KiB" : "4 KiB"), size / seal_s / 1e6,
                size / open_s / 1e6, static_cast<double>(sealed.size()) / size);
  }
}

void journal_appends(const std::filesystem::path& dir) {
  std::printf("\n%-16s %14s %16s\n", "batch (records)", "records/s", "fdatasyncs/s");
  for (std::size_t batch : {std::size_t{1}, std::size_t{16}, std::size_t{256}}) {
    auto jdir = dir / ("sealbox-bench-journal-" + crypto::random_id());
    store::JournalContents contents;
    auto journal = store::Journal::open(jdir, dir, crypto::Key::random(), "bench", contents);
    if (!journal) {
      std::printf("cannot open a journal in %s: %s\n", dir.c_str(), journal.error().message().c_str());
      return;
    }
    // ~200 bytes: the size of a message index record (uid, modseq, blob id, wrapped key, dates, flags).
    std::vector<base::Bytes> records(batch, crypto::random_bytes(200));
    std::size_t written = 0, syncs = 0;
    auto t0 = std::chrono::steady_clock::now();
    while (bench::seconds_since(t0) < 1.5 && syncs < 5000) {
      if (!journal->append(records)) {
        std::printf("append failed\n");
        return;
      }
      written += batch;
      ++syncs;
    }
    double s = bench::seconds_since(t0);
    std::printf("%-16zu %14.0f %16.0f\n", batch, written / s, syncs / s);
    std::error_code ec;
    std::filesystem::remove_all(jdir, ec);
  }
}

void argon2() {
  std::printf("\n%-28s %12s\n", "Argon2id parameters", "ms per hash");
  auto salt = crypto::random_bytes(crypto::kSaltBytes);
  for (auto params : {crypto::KdfParams{}, crypto::KdfParams{2, 19 * 1024}}) {
    int n = 0;
    auto t0 = std::chrono::steady_clock::now();
    while (n < 10 && (n < 3 || bench::seconds_since(t0) < 2.0)) {
      auto kek = crypto::derive_kek("correct horse battery staple", salt, params);
      if (!kek) return;
      ++n;
    }
    char label[64];
    std::snprintf(label, sizeof label, "%u passes, %u MiB%s", params.passes, params.memory_kib / 1024,
                  params.passes == crypto::KdfParams{}.passes ? " (default)" : " (floor)");
    std::printf("%-28s %12.1f\n", label, bench::seconds_since(t0) / n * 1000);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path dir = "/var/tmp";
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--dir") == 0) dir = argv[i + 1];
  }
  crypto::init();
  bench::print_header("store_bench");
  blob_throughput();
  journal_appends(dir);
  argon2();
  return 0;
}
