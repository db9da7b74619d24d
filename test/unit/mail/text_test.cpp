// mail/text.h: transfer decoding (quoted-printable, base64), charset conversion, RFC 2047 header decoding (with
// the RFC 2047 §8 examples), Unicode case folding, substring search, and the searchable text of whole messages
// for SEARCH BODY/TEXT/HEADER.
#include <boost/test/unit_test.hpp>

#include <string>
#include <thread>
#include <vector>

#include "mail/mime.h"
#include "mail/text.h"

BOOST_AUTO_TEST_SUITE(text)

namespace {

const std::string kFffd = "\xEF\xBF\xBD";

std::string qp(std::string_view s) { return mail::decode_transfer_encoding(s, "quoted-printable"); }
std::string b64(std::string_view s) { return mail::decode_transfer_encoding(s, "BASE64"); }

// Whether `needle` occurs in `haystack` once both are folded the way SEARCH folds them.
bool matches(std::string_view haystack, std::string_view needle) {
  return mail::contains_folded(mail::fold_case(haystack), mail::fold_case(needle));
}

bool body_has(std::string_view message, std::string_view needle) {
  const std::string text = mail::searchable_text(message, mail::parse_message(message), false);
  return mail::contains_folded(text, mail::fold_case(needle));
}

bool text_has(std::string_view message, std::string_view needle) {
  const std::string text = mail::searchable_text(message, mail::parse_message(message), true);
  return mail::contains_folded(text, mail::fold_case(needle));
}

}  // namespace

BOOST_AUTO_TEST_CASE(quoted_printable_escapes_and_soft_breaks) {
  BOOST_TEST(qp("caf=C3=A9 caf=c3=a9") == "café café");
  BOOST_TEST(qp("soft=\r\nbreak, soft=\nbreak") == "softbreak, softbreak");
  BOOST_TEST(qp("blanks after the equals sign=  \t\r\nstill soft") == "blanks after the equals signstill soft");
  BOOST_TEST(qp("last line=") == "last line");
  BOOST_TEST(qp("last line= \t") == "last line");
  BOOST_TEST(qp("hard\r\nbreak\r\n") == "hard\r\nbreak\r\n");
  BOOST_TEST(mail::decode_transfer_encoding("x=3D1", "Quoted-Printable") == "x=1");
}

BOOST_AUTO_TEST_CASE(quoted_printable_keeps_invalid_escapes) {
  BOOST_TEST(qp("a=ZZb") == "a=ZZb");
  BOOST_TEST(qp("a=4") == "a=4");
  BOOST_TEST(qp("a=4g") == "a=4g");
  BOOST_TEST(qp("a==41") == "a=A");
  BOOST_TEST(qp("=\rX") == "=\rX");
  BOOST_TEST(qp("100% = 1") == "100% = 1");
  BOOST_TEST(qp("=00=FF") == std::string("\x00\xFF", 2));
}

BOOST_AUTO_TEST_CASE(base64_padding_whitespace_and_garbage) {
  BOOST_TEST(b64("SGVsbG8=") == "Hello");
  BOOST_TEST(b64("SGVs\r\n bG8=\r\n") == "Hello");
  BOOST_TEST(b64("SGVsbG8") == "Hello");    // missing padding
  BOOST_TEST(b64("SGVsbA") == "Hell");      // two sextets short of a group
  BOOST_TEST(b64("SGVsb") == "Hel");        // a lone trailing sextet carries no whole byte
  BOOST_TEST(b64("SG!V*sb\x80G8") == "Hello");
  BOOST_TEST(b64("SGk=SGVsbG8=") == "Hi");  // decoding stops at the padding
  BOOST_TEST(b64("AP8Q") == std::string("\x00\xFF\x10", 3));
  BOOST_TEST(b64("+/+/") == "\xFB\xFF\xBF");
  BOOST_TEST(b64("") == "");
  BOOST_TEST(mail::decode_transfer_encoding("SGk=", "base64") == "Hi");
}

BOOST_AUTO_TEST_CASE(other_encodings_pass_through) {
  for (const char* enc : {"7BIT", "8bit", "BINARY", "x-uuencode", ""})
    BOOST_TEST(mail::decode_transfer_encoding("=41 SGk=", enc) == "=41 SGk=");
}

BOOST_AUTO_TEST_CASE(single_byte_charsets) {
  BOOST_TEST(mail::to_utf8("caf\xE9", "iso-8859-1") == "café");
  BOOST_TEST(mail::to_utf8("caf\xE9", "ISO-8859-1") == "café");
  BOOST_TEST(mail::to_utf8("caf\xE9", " Latin1 ") == "café");
  BOOST_TEST(mail::to_utf8("\x80 \x93q\x94", "windows-1252") == "€ “q”");
  BOOST_TEST(mail::to_utf8("a\x81z", "windows-1252") == "a" + kFffd + "z");  // 0x81 is unassigned in 1252
  BOOST_TEST(mail::to_utf8("\xF0\xD2\xC9\xD7\xC5\xD4", "koi8-r") == "Привет");
  BOOST_TEST(mail::to_utf8("\xE0", "windows-1255") == "א");  // held back for a combining mark until the flush
}

BOOST_AUTO_TEST_CASE(multibyte_and_stateful_charsets) {
  BOOST_TEST(mail::to_utf8("\x93\xFA\x96\x7B\x8C\xEA", "Shift_JIS") == "日本語");
  BOOST_TEST(mail::to_utf8("\x1B$BF|K\\8l\x1B(B!", "iso-2022-jp") == "日本語!");
  BOOST_TEST(mail::to_utf8("\xC4\xE3\xBA\xC3", "gb2312") == "你好");
  BOOST_TEST(mail::to_utf8("\xC7\xD1\xB1\xB9", "ks_c_5601-1987") == "한국");
  // A message that ends in the JIS X 0208 shift state must not leave the next one (same thread, same cached
  // descriptor) in it.
  BOOST_TEST(mail::to_utf8("\x1B$BF|", "iso-2022-jp") == "日");
  BOOST_TEST(mail::to_utf8("F|", "iso-2022-jp") == "F|");
}

BOOST_AUTO_TEST_CASE(conversion_errors_become_replacement_characters) {
  BOOST_TEST(mail::to_utf8("\x93\xFA\xFF\x96\x7B", "shift_jis") == "日" + kFffd + "本");
  BOOST_TEST(mail::to_utf8("\x93\xFA\x93", "shift_jis") == "日" + kFffd);  // truncated at the end
}

BOOST_AUTO_TEST_CASE(utf8_labels_and_unknown_charsets_are_validated) {
  for (const char* cs : {"utf-8", "UTF8", "us-ascii", "", "x-unknown-charset", "unknown-8bit"}) {
    BOOST_TEST(mail::to_utf8("caf\xC3\xA9", cs) == "café");
    BOOST_TEST(mail::to_utf8("a\xFF" "b", cs) == "a" + kFffd + "b");
  }
  // Maximal subparts (Unicode §3.9): an overlong lead, a truncated sequence, a surrogate, past U+10FFFF.
  BOOST_TEST(mail::to_utf8("\xC0\xAF", "utf-8") == kFffd + kFffd);
  BOOST_TEST(mail::to_utf8("\xE2\x82x", "utf-8") == kFffd + "x");
  BOOST_TEST(mail::to_utf8("\xED\xA0\x80", "utf-8") == kFffd + kFffd + kFffd);
  BOOST_TEST(mail::to_utf8("\xF4\x90\x80\x80", "utf-8") == kFffd + kFffd + kFffd + kFffd);
  BOOST_TEST(mail::to_utf8("\xF0\x9F\x98\x80", "utf-8") == "😀");
  BOOST_TEST(mail::to_utf8("\xF0\x9F\x98", "utf-8") == kFffd);
}

BOOST_AUTO_TEST_CASE(charset_names_with_iconv_suffixes_are_not_passed_to_iconv) {
  // "//TRANSLIT" and friends mean something to iconv_open(); such a label is not a charset, so UTF-8 is assumed.
  BOOST_TEST(mail::to_utf8("caf\xE9", "iso-8859-1//TRANSLIT") == "caf" + kFffd);
  BOOST_TEST(mail::to_utf8("caf\xE9", "iso-8859-1,utf-8") == "caf" + kFffd);
  BOOST_TEST(mail::to_utf8("caf\xE9", std::string(100, 'a')) == "caf" + kFffd);
}

BOOST_AUTO_TEST_CASE(conversion_is_thread_safe) {
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &failures] {
      for (int i = 0; i < 2000; ++i) {
        if (mail::to_utf8("\x1B$BF|K\\\x1B(B", "iso-2022-jp") != "日本") ++failures[t];
        if (mail::to_utf8("caf\xE9", "iso-8859-1") != "café") ++failures[t];
        if (mail::to_utf8("\xF0\xD2\xC9\xD7\xC5\xD4", "koi8-r") != "Привет") ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int f : failures) BOOST_TEST(f == 0);
}

BOOST_AUTO_TEST_CASE(rfc2047_section_8_examples) {
  BOOST_TEST(mail::decode_header_value("=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>") ==
             "Keith Moore <moore@cs.utk.edu>");
  BOOST_TEST(mail::decode_header_value("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>") ==
             "Keld Jørn Simonsen <keld@dkuug.dk>");
  BOOST_TEST(mail::decode_header_value("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>") ==
             "André Pirard <PIRARD@vm1.ulg.ac.be>");
  BOOST_TEST(mail::decode_header_value("=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?= "
                                       "=?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=") ==
             "If you can read this you understand the example.");
  BOOST_TEST(mail::decode_header_value("=?ISO-8859-1?Q?Patrik_F=E4ltstr=F6m?= <paf@nada.kth.se>") ==
             "Patrik Fältström <paf@nada.kth.se>");
  BOOST_TEST(mail::decode_header_value("Nathaniel Borenstein <nsb@thumper.bellcore.com> "
                                       "(=?iso-8859-8?b?7eXs+SDv4SDp7Oj08A==?=)") ==
             "Nathaniel Borenstein <nsb@thumper.bellcore.com> (םולש ןב ילטפנ)");
  BOOST_TEST(mail::decode_header_value("Time for ISO 10646?") == "Time for ISO 10646?");
}

BOOST_AUTO_TEST_CASE(rfc2047_section_8_whitespace_table) {
  BOOST_TEST(mail::decode_header_value("(=?ISO-8859-1?Q?a?=)") == "(a)");
  BOOST_TEST(mail::decode_header_value("(=?ISO-8859-1?Q?a?= b)") == "(a b)");
  BOOST_TEST(mail::decode_header_value("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)") == "(ab)");
  BOOST_TEST(mail::decode_header_value("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)") == "(ab)");
  BOOST_TEST(mail::decode_header_value("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)") == "(ab)");
  BOOST_TEST(mail::decode_header_value("(=?ISO-8859-1?Q?a_b?=)") == "(a b)");
  BOOST_TEST(mail::decode_header_value("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)") == "(a b)");
}

BOOST_AUTO_TEST_CASE(rfc2231_language_suffix_and_lenient_forms) {
  BOOST_TEST(mail::decode_header_value("=?US-ASCII*EN?Q?Keith_Moore?=") == "Keith Moore");
  BOOST_TEST(mail::decode_header_value("=?utf-8?b?w6k=?= and =?UTF-8?q?=c3=a9?=") == "é and é");
  BOOST_TEST(mail::decode_header_value("Re:=?utf-8?Q?x?=") == "Re:x");
  BOOST_TEST(mail::decode_header_value("=?utf-8?Q?a?= x =?utf-8?Q?b?=") == "a x b");
  BOOST_TEST(mail::decode_header_value("=?utf-8?Q?" "?=") == "");  // (split: "??=" is a trigraph)
  // A character split between two words in the same charset is joined before conversion.
  BOOST_TEST(mail::decode_header_value("=?UTF-8?Q?caf=C3?= =?UTF-8?Q?=A9?=") == "café");
  BOOST_TEST(mail::decode_header_value("=?UTF-8?B?5pel?= =?utf-8?B?5pys?=") == "日本");
  // An unknown charset is read as UTF-8.
  BOOST_TEST(mail::decode_header_value("=?x-unknown?Q?caf=C3=A9?=") == "café");
}

BOOST_AUTO_TEST_CASE(malformed_encoded_words_are_kept) {
  for (const char* raw : {"=?utf-8?X?abc?=", "=?utf-8?Q?no end", "=??Q?x?=", "=?utf-8?Q?has space?=",
                          "=?utf-8?Q?a?b?=", "=?utf 8?Q?a?=", "=?", "=?utf-8?", "=?utf-8?Q", "a =? b ?= c"})
    BOOST_TEST(mail::decode_header_value(raw) == raw);
  BOOST_TEST(mail::decode_header_value("=?bad =?utf-8?Q?ok?=") == "=?bad ok");
}

BOOST_AUTO_TEST_CASE(raw_8bit_header_text) {
  BOOST_TEST(mail::decode_header_value("caf\xC3\xA9") == "café");            // valid UTF-8 (RFC 6532)
  BOOST_TEST(mail::decode_header_value("caf\xE9 \x80") == "café €");         // else windows-1252
  BOOST_TEST(mail::decode_header_value("\xE9 =?utf-8?Q?=C3=A9?=") == "é é");
}

BOOST_AUTO_TEST_CASE(folding_latin_greek_cyrillic) {
  BOOST_TEST(mail::fold_case("Hello WORLD 123") == "hello world 123");
  BOOST_TEST(mail::fold_case("ÀÉÎÕÜ Ÿ Ā Ł Ǆ") == "àéîõü ÿ ā ł ǆ");
  BOOST_TEST(mail::fold_case("ПРИВЕТ Мир Ё Ї") == "привет мир ё ї");
  BOOST_TEST(mail::fold_case("ΣΊΣΥΦΟΣ") == "σίσυφοσ");
  BOOST_TEST(mail::fold_case("σίσυφος") == "σίσυφοσ");  // final sigma folds to σ, as CaseFolding.txt says
  BOOST_TEST(matches("Ο ΣΊΣΥΦΟΣ ΚΑΙ", "σίσυφος"));
  BOOST_TEST(matches("Der Sisyphos-Mythos: σίσυφος", "ΣΊΣΥΦΟΣ"));
}

BOOST_AUTO_TEST_CASE(folding_special_cases_and_limits) {
  BOOST_TEST(mail::fold_case("ſ") == "s");               // long s (status C)
  BOOST_TEST(mail::fold_case("\u212A") == "k");          // Kelvin sign: 3 bytes fold to 1
  BOOST_TEST(mail::fold_case("µ") == "μ");               // micro sign to Greek mu
  BOOST_TEST(mail::fold_case("ẞ") == "ß");               // capital sharp s (status S)
  BOOST_TEST(mail::fold_case("ᾈ") == "ᾀ");               // status S, not the full "ἀι"
  BOOST_TEST(mail::fold_case("\U00010400") == "\U00010428");  // Deseret, 4-byte sequences
  BOOST_TEST(mail::fold_case("İ") == "İ");               // only full/Turkic foldings exist for it
  BOOST_TEST(!matches("Straße", "STRASSE"));             // documented limit: no full folding
  BOOST_TEST(matches("STRAẞE", "straße"));
  BOOST_TEST(mail::fold_case("A \t\r\nB") == "a \t\r\nb");
  BOOST_TEST(mail::fold_case("a\xFF" "B") == "a" + kFffd + "b");
  BOOST_TEST(mail::fold_case("") == "");
}

BOOST_AUTO_TEST_CASE(contains_folded_basics) {
  BOOST_TEST(mail::contains_folded("hello world", "o w"));
  BOOST_TEST(mail::contains_folded("hello world", "world"));
  BOOST_TEST(mail::contains_folded("hello world", ""));
  BOOST_TEST(mail::contains_folded("", ""));
  BOOST_TEST(!mail::contains_folded("", "a"));
  BOOST_TEST(!mail::contains_folded("hello", "hello!"));
  BOOST_TEST(!mail::contains_folded("hello world", "worlds"));
  BOOST_TEST(!matches("hello world", "helloworld"));
}

namespace {

// Text in a base64 part, HTML in quoted-printable latin-1, an image whose bytes hold the needle, and two text
// parts whose joint would spell "alphabeta".
const std::string kMultipart =
    "From: =?ISO-8859-1?Q?Andr=E9?= <andre@example.org>\r\n"
    "Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n"
    "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
    "\r\n"
    "preamble with preambleword\r\n"
    "--b1\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "VGhlIHNlY3JldCB3b3JkIGlzIFpFUEhZUiwgbm90IGluIHRoZSBwbGFpbi4=\r\n"
    "--b1\r\n"
    "Content-Type: text/html; charset=iso-8859-1\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "<p>Caf=E9 cr=E8me, soft=\r\nbroken</p>\r\n"
    "--b1\r\n"
    "Content-Type: image/png\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "aW1hZ2VuZWVkbGU=\r\n"  // "imageneedle"
    "--b1\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "alpha\r\n"
    "--b1\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "beta\r\n"
    "--b1--\r\n"
    "epilogue with epilogueword\r\n";

}  // namespace

BOOST_AUTO_TEST_CASE(needle_only_in_a_base64_part) {
  BOOST_TEST(body_has(kMultipart, "zephyr"));
  BOOST_TEST(body_has(kMultipart, "SECRET WORD IS ZEPHYR"));
  BOOST_TEST(!body_has(kMultipart, "VGhlIHNlY3JldCB3"));  // the encoded form is not text
}

BOOST_AUTO_TEST_CASE(quoted_printable_latin1_html_part) {
  BOOST_TEST(body_has(kMultipart, "CAFÉ CRÈME"));
  BOOST_TEST(body_has(kMultipart, "softbroken"));
  BOOST_TEST(body_has(kMultipart, "<p>"));  // HTML is searched as source
}

BOOST_AUTO_TEST_CASE(non_text_parts_preamble_and_epilogue_do_not_match) {
  BOOST_TEST(!body_has(kMultipart, "imageneedle"));
  BOOST_TEST(!body_has(kMultipart, "aW1hZ2VuZWVkbGU"));
  BOOST_TEST(!body_has(kMultipart, "preambleword"));
  BOOST_TEST(!body_has(kMultipart, "epilogueword"));
}

BOOST_AUTO_TEST_CASE(needle_spanning_two_parts_does_not_match) {
  BOOST_TEST(body_has(kMultipart, "alpha"));
  BOOST_TEST(body_has(kMultipart, "beta"));
  BOOST_TEST(!body_has(kMultipart, "alphabeta"));
  BOOST_TEST(!body_has(kMultipart, "alpha beta"));
  BOOST_TEST(!body_has(kMultipart, "alpha\r\nbeta"));
}

BOOST_AUTO_TEST_CASE(headers_only_with_text) {
  BOOST_TEST(!body_has(kMultipart, "andré"));
  BOOST_TEST(text_has(kMultipart, "from: andré <andre@example.org>"));
  BOOST_TEST(text_has(kMultipart, "GRÜßE"));
  BOOST_TEST(text_has(kMultipart, "zephyr"));
  BOOST_TEST(!text_has(kMultipart, "imageneedle"));
  // Part headers (Content-Type of a body part) are not message headers.
  BOOST_TEST(!text_has(kMultipart, "image/png"));
}

BOOST_AUTO_TEST_CASE(embedded_message_headers_and_text) {
  const std::string msg =
      "Subject: outer\r\n"
      "Content-Type: multipart/mixed; boundary=x\r\n"
      "\r\n"
      "--x\r\n"
      "Content-Type: text/plain\r\n"
      "\r\n"
      "outer body\r\n"
      "--x\r\n"
      "Content-Type: message/rfc822\r\n"
      "\r\n"
      "Subject: =?koi8-r?B?8NLJ18XU?=\r\n"
      "Content-Type: text/plain; charset=koi8-r\r\n"
      "\r\n"
      "\xF0\xD2\xC9\xD7\xC5\xD4 inner body\r\n"
      "--x--\r\n";
  BOOST_TEST(body_has(msg, "outer body"));
  BOOST_TEST(body_has(msg, "ПРИВЕТ INNER"));
  BOOST_TEST(!body_has(msg, "subject: привет"));
  BOOST_TEST(text_has(msg, "subject: привет"));
  BOOST_TEST(text_has(msg, "subject: outer"));
}

BOOST_AUTO_TEST_CASE(single_part_message_text) {
  const std::string msg = "Subject: Hi\r\nContent-Type: text/plain; charset=windows-1252\r\n\r\n\x93Quoted\x94 \x80" "5\r\n";
  BOOST_TEST(body_has(msg, "“quoted” €5"));
  BOOST_TEST(!body_has(msg, "subject"));
  BOOST_TEST(text_has(msg, "subject: hi\n"));
  const std::string text = mail::searchable_text(msg, mail::parse_message(msg), true);
  BOOST_TEST(text == "subject: hi\ncontent-type: text/plain; charset=windows-1252\n\n“quoted” €5\r\n\n");
}

BOOST_AUTO_TEST_CASE(searchable_text_is_bounded_on_a_character_boundary) {
  std::string msg = "Content-Type: text/plain; charset=utf-8\r\n\r\n";
  for (std::size_t n = 0; n < mail::kMaxSearchText / 3 + 1000; ++n) msg += "€";
  const std::string text = mail::searchable_text(msg, mail::parse_message(msg), false);
  BOOST_TEST(text.size() <= mail::kMaxSearchText);
  BOOST_TEST(text.size() > mail::kMaxSearchText - 3);
  std::string_view euros = text;
  if (euros.back() == '\n') euros.remove_suffix(1);  // the separator fits when the cut left room for it
  BOOST_TEST(euros.size() % 3 == 0u);                  // whole "€"s only: no partial character, no U+FFFD
  BOOST_TEST(euros.find(kFffd) == std::string_view::npos);
  BOOST_TEST(mail::to_utf8(text, "utf-8") == text);
}

BOOST_AUTO_TEST_CASE(decoded_header_joins_every_field) {
  const auto fields = mail::parse_header(
      "To: =?UTF-8?Q?J=C3=B6rg?= <j@x>\r\n"
      "Subject: first\r\n"
      "TO: Zoë <z@y>\r\n"
      "X-Empty:\r\n");
  BOOST_TEST(mail::decoded_header(fields, "to") == "jörg <j@x>\nzoë <z@y>");
  BOOST_TEST(mail::decoded_header(fields, "SUBJECT") == "first");
  BOOST_TEST(mail::decoded_header(fields, "cc") == "");
  BOOST_TEST(mail::decoded_header(fields, "x-empty") == "");
  const auto two_empty = mail::parse_header("X-A:\r\nX-A: b\r\n");
  BOOST_TEST(mail::decoded_header(two_empty, "x-a") == "\nb");
}

BOOST_AUTO_TEST_SUITE_END()
