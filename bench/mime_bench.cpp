// mime_bench: how fast the mail/ library reads messages, on one core.
//   parse     mail::parse_message (the MIME tree, header fields unfolded)
//   describe  store::describe_message: parse + ENVELOPE, BODY and BODYSTRUCTURE text (what APPEND and delivery
//             compute once per message)
//   text      mail::searchable_text(message, root, true) on an already parsed message: transfer decoding, charset
//             conversion to UTF-8 and case folding of every text part and header (what SEARCH TEXT matches)
//   search    parse + searchable_text(body only) + contains_folded: what SEARCH BODY does per decrypted message
// on the hand-checked corpus (test/corpus/*.eml) and on generated mail: a 4 KiB text/plain, the SEARCH benchmark's
// ~4 KiB mix (QP, base64, HTML, latin-1), 100 KiB with a base64 attachment, 1 MiB with a base64 attachment, and
// 1 MiB of base64-encoded text/plain (all of which SEARCH decodes).
// Usage: mime_bench [--corpus DIR] [--seconds S]   (default: the source tree's test/corpus, 1 s per measurement)
// Bounded: each measurement repeats its set until S seconds or 1,000,000 passes, at least 3 passes.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <vector>

#include "bench/bench_util.h"
#include "bench/mime_samples.h"
#include "mail/mime.h"
#include "mail/text.h"
#include "store/message_structure.h"

#ifndef SEALBOX_CORPUS_DIR
#define SEALBOX_CORPUS_DIR "test/corpus"
#endif

namespace {

struct Set {
  std::string name;
  std::vector<std::string> messages;
  std::size_t bytes() const {
    std::size_t n = 0;
    for (const auto& m : messages) n += m.size();
    return n;
  }
};

double g_seconds = 1.0;
volatile std::size_t g_sink = 0;  // keeps results alive so the work is not optimised away

// Seconds per pass over the set: `pass` runs once per pass.
template <class Pass>
double time_per_pass(Pass pass) {
  int n = 0;
  auto t0 = std::chrono::steady_clock::now();
  while ((n < 1000000 && bench::seconds_since(t0) < g_seconds) || n < 3) {
    pass();
    ++n;
  }
  return bench::seconds_since(t0) / n;
}

void measure(const Set& set) {
  const double bytes = static_cast<double>(set.bytes());
  const double count = static_cast<double>(set.messages.size());
  std::vector<mail::Part> roots;
  for (const auto& m : set.messages) roots.push_back(mail::parse_message(m));
  std::size_t text_bytes = 0;
  for (std::size_t i = 0; i < roots.size(); ++i) text_bytes += mail::searchable_text(set.messages[i], roots[i], true).size();
  const std::string needle = mail::fold_case(bench::kBodyNeedle);

  double parse = time_per_pass([&] {
    for (const auto& m : set.messages) g_sink = g_sink + mail::parse_message(m).children.size();
  });
  double describe = time_per_pass([&] {
    for (const auto& m : set.messages) g_sink = g_sink + store::describe_message(m)->bodystructure.size();
  });
  double text = time_per_pass([&] {
    for (std::size_t i = 0; i < roots.size(); ++i) {
      g_sink = g_sink + mail::searchable_text(set.messages[i], roots[i], true).size();
    }
  });
  double search = time_per_pass([&] {
    for (const auto& m : set.messages) {
      auto root = mail::parse_message(m);
      g_sink = g_sink + mail::contains_folded(mail::searchable_text(m, root, false), needle);
    }
  });
  std::printf("%-34s %5zu %9.1f %9.1f %9.1f %10.0f %9.1f %10.0f %8.2f\n", set.name.c_str(), set.messages.size(),
              bytes / 1024, bytes / parse / 1e6, bytes / describe / 1e6, count / describe, bytes / text / 1e6,
              count / search, text_bytes / bytes);
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path corpus = SEALBOX_CORPUS_DIR;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--corpus") == 0) corpus = argv[i + 1];
    if (std::strcmp(argv[i], "--seconds") == 0) g_seconds = std::atof(argv[i + 1]);
  }
  bench::print_header("mime_bench");

  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(corpus, ec)) {
    if (e.path().extension() == ".eml") files.push_back(e.path());
  }
  if (files.empty()) {
    std::fprintf(stderr, "mime_bench: no .eml files in %s (use --corpus DIR)\n", corpus.c_str());
    return 1;
  }
  std::sort(files.begin(), files.end());
  Set all{"corpus, all", {}}, small{"corpus without huge-header", {}}, huge{"corpus huge-header.eml (200 KB)", {}};
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::string m((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    all.messages.push_back(m);
    (f.filename() == "huge-header.eml" ? huge : small).messages.push_back(m);
  }
  all.name = "corpus, all " + std::to_string(all.messages.size());

  std::mt19937 rng(42);
  Set text4k{"4 KiB text/plain us-ascii", {}};
  for (unsigned i = 0; i < 16; ++i) {
    text4k.messages.push_back(bench::mail_header("Project notes", i) +
                              bench::text_part("us-ascii", "7bit", bench::prose(rng, 3700)));
  }
  Set mix{"~4 KiB search_bench mix", {}};
  for (unsigned i = 0; i < 64; ++i) mix.messages.push_back(bench::search_mail(i).text);
  auto with_attachment = [&](std::size_t attachment_bytes, unsigned id) {
    return bench::mail_header("Quarterly report", id) +
           bench::multipart("mixed",
                            {bench::text_part("utf-8", "quoted-printable", bench::quoted_printable(bench::prose(rng, 3000))),
                             bench::attachment_part("application/pdf", "report.pdf",
                                                    bench::random_bytes(rng, attachment_bytes))},
                            id);
  };
  Set att100k{"100 KiB, base64 attachment", {with_attachment(72 * 1024, 1), with_attachment(72 * 1024, 2)}};
  Set att1m{"1 MiB, base64 attachment", {with_attachment(768 * 1024, 3)}};
  Set b64text{"1 MiB base64 text/plain", {bench::mail_header("Long text", 4) +
                                          bench::text_part("utf-8", "base64",
                                                           bench::base64_lines(bench::prose(rng, 768 * 1024)))}};

  std::printf("\n%-34s %5s %9s %9s %9s %10s %9s %10s %8s\n", "set", "msgs", "KiB", "parse", "describe", "describe",
              "text", "search", "text/raw");
  std::printf("%-34s %5s %9s %9s %9s %10s %9s %10s %8s\n", "", "", "", "MB/s", "MB/s", "msg/s", "MB/s", "msg/s", "");
  for (const Set* set : {&all, &small, &huge, &text4k, &mix, &att100k, &att1m, &b64text}) measure(*set);
  std::printf("\ntext: searchable_text(with headers) of a parsed message; search: parse + body text + match, per "
              "message; text/raw: searchable bytes per raw byte\n");
  return 0;
}
