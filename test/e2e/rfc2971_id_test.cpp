// RFC 2971 (ID) over the real server: the capability; ID NIL and ID with a client list (§3.1, §3.2 examples) in
// every state, answered with one untagged ID and "OK ID completed"; the fields come from [identification] in
// sealbox.toml (config/README.md), sorted by name, quoted and escaped, up to the §3.3 limits (30 fields, names of 30
// bytes, values of 1024 bytes), and a configuration over those limits or with a name repeated (ignoring case) is
// refused at start; without configuration the server says only its name. Errors: §4's syntax (a list of string /
// nstring pairs, or NIL) and §3.3's limits on what a client sends (field names up to 30 octets, values up to 1024,
// at most 30 pairs, no field twice) are BAD ("arguments invalid", §3.1).
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "test/e2e/session_fixture.h"
#include "test/support/imap_server.h"

using namespace test_support;
namespace tt = boost::test_tools;

namespace {

using Lines = std::vector<std::string>;
const std::string kDefaultId = "* ID (\"name\" \"Sealbox\")";

ImapServerOptions with_identification(const std::map<std::string, std::string>& fields, bool start = true) {
  ImapServerOptions o;
  for (const auto& [k, v] : fields) o.config["identification." + k] = v;
  o.start = start;
  return o;
}

struct Configured : AliceSession {
  Configured()
      : AliceSession(with_identification({{"name", "\"Sealbox Test\""},
                                          {"version", "\"1.2\""},
                                          {"support-url", "\"mailto:postmaster@example.org\""},
                                          {"os", "\"say \\\"hi\\\" \\\\ bye\""}})) {}
};
const std::string kConfiguredId =
    "* ID (\"name\" \"Sealbox Test\" \"os\" \"say \\\"hi\\\" \\\\ bye\" \"support-url\" "
    "\"mailto:postmaster@example.org\" \"version\" \"1.2\")";

// 30 fields, the last with a 30-byte name and a 1024-byte value.
std::map<std::string, std::string> at_the_limits() {
  std::map<std::string, std::string> m;
  for (int i = 10; i < 39; ++i) m["f" + std::to_string(i)] = "\"v" + std::to_string(i) + "\"";
  m[std::string(30, 'z')] = "\"" + std::string(1024, 'x') + "\"";
  return m;
}

// Expects the server with this [identification] not to start, naming the problem in its log.
void refused_at_start(const std::map<std::string, std::string>& fields, const std::string& in_log) {
  ImapServer server(with_identification(fields, false));
  std::string error;
  try {
    server.start();
  } catch (const std::runtime_error& e) {
    error = e.what();
  }
  BOOST_TEST(!server.running());
  BOOST_TEST(error.find(in_log) != std::string::npos, "want \"" << in_log << "\" in: " << error);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc2971_id)

BOOST_FIXTURE_TEST_CASE(capability_is_advertised, AliceSession) {
  auto caps = ok("CAPABILITY");
  BOOST_REQUIRE_EQUAL(caps.size(), 1u);
  BOOST_TEST((" " + caps[0] + " ").find(" ID ") != std::string::npos, caps[0]);
}

BOOST_FIXTURE_TEST_CASE(id_without_configuration_gives_the_name, AliceSession) {
  // §3.2's example form: "C: a042 ID NIL" / "S: * ID (...)" / "S: a042 OK ID command completed".
  BOOST_TEST(c->command("a042", "ID NIL") == "a042 OK ID completed");
  BOOST_TEST(c->last_untagged() == Lines{kDefaultId}, tt::per_element());
  // §3.1's example: the client sends its own list; the server still answers with exactly one ID response.
  BOOST_TEST(c->command("a023", "ID (\"name\" \"sodr\" \"version\" \"19.34\" \"vendor\" \"Pink Floyd Music Limited\")") ==
             "a023 OK ID completed");
  BOOST_TEST(c->last_untagged() == Lines{kDefaultId}, tt::per_element());
  // NIL values, literals, lower case, an empty list.
  BOOST_TEST(ok("ID (\"name\" NIL \"os\" {5+}\r\nLinux)") == Lines{kDefaultId}, tt::per_element());
  BOOST_TEST(ok("id nil") == Lines{kDefaultId}, tt::per_element());
  BOOST_TEST(ok("ID ()") == Lines{kDefaultId}, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(id_is_valid_in_every_state, Configured) {
  // Not authenticated (before LOGIN), authenticated, selected; and the connection keeps working after each.
  auto fresh = server.connect();
  BOOST_TEST(fresh.command("n1", "ID NIL") == "n1 OK ID completed");
  BOOST_TEST(fresh.last_untagged() == Lines{kConfiguredId}, tt::per_element());
  BOOST_TEST(fresh.command("n2", "LOGIN alice alice-password", std::chrono::seconds(30)).rfind("n2 OK", 0) == 0u);
  BOOST_TEST(fresh.command("n3", "ID (\"name\" \"x\")") == "n3 OK ID completed");
  BOOST_TEST(fresh.last_untagged() == Lines{kConfiguredId}, tt::per_element());
  BOOST_TEST(ok("SELECT INBOX").size() > 0u);
  BOOST_TEST(ok("ID NIL") == Lines{kConfiguredId}, tt::per_element());
  BOOST_TEST(answer("CHECK") == "OK CHECK completed");  // still selected
}

BOOST_FIXTURE_TEST_CASE(configured_fields_are_returned_sorted_and_quoted, Configured) {
  // §3.2: "* ID ("name" "Cyrus" "version" "1.5" "os" "sunos" ...)": here the [identification] fields, by name.
  BOOST_TEST(c->command("a042", "ID NIL") == "a042 OK ID completed");
  BOOST_TEST(c->last_untagged() == Lines{kConfiguredId}, tt::per_element());
}

BOOST_AUTO_TEST_CASE(configured_fields_at_the_limits) {
  ImapServer server(with_identification(at_the_limits()));
  auto c = server.connect();
  BOOST_TEST(c.command("a1", "ID NIL") == "a1 OK ID completed");
  std::string want = "* ID (";
  for (int i = 10; i < 39; ++i) want += "\"f" + std::to_string(i) + "\" \"v" + std::to_string(i) + "\" ";
  want += "\"" + std::string(30, 'z') + "\" \"" + std::string(1024, 'x') + "\")";
  BOOST_TEST(c.last_untagged() == Lines{want}, tt::per_element());
}

BOOST_AUTO_TEST_CASE(configuration_over_the_limits_is_refused) {
  auto too_many = at_the_limits();
  too_many["one-more"] = "\"x\"";
  refused_at_start(too_many, "at most 30 fields");
  refused_at_start({{std::string(31, 'n'), "\"x\""}}, "must be 1 to 30 bytes");
  refused_at_start({{"name", "\"" + std::string(1025, 'x') + "\""}}, "must be at most 1024 bytes");
  refused_at_start({{"name", "\"tab\\there\""}}, "without control characters");
  refused_at_start({{"name", "\"a\""}, {"Name", "\"b\""}}, "names ignore case");
  refused_at_start({{"name", "42"}}, "identification.name");
}

BOOST_FIXTURE_TEST_CASE(syntax_errors_are_bad, AliceSession) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"ID", "BAD expected SP after ID"},
      {"ID ", "BAD expected ID parameter list"},
      {"ID name", "BAD expected ID parameter list"},
      {"ID \"name\"", "BAD expected ID parameter list"},
      {"ID (\"name\")", "BAD expected SP after ID field"},
      {"ID (\"name\" \"a\" \"version\")", "BAD expected SP after ID field"},
      {"ID (NIL \"x\")", "BAD expected ID field"},
      {"ID (name \"x\")", "BAD expected ID field"},
      {"ID ((\"name\" \"x\"))", "BAD expected ID field"},
      {"ID (\"name\" \"x\"", "BAD expected SP after ID value"},
      {"ID (\"name\"  \"x\")", "BAD expected ID value"},
      {"ID NIL NIL", "BAD unexpected characters after ID parameters"},
      {"ID (\"name\" \"x\") extra", "BAD unexpected characters after ID parameters"}};
  for (const auto& [command, want] : bad) {
    BOOST_TEST(answer(command) == want, command);
    BOOST_TEST(c->last_untagged().empty(), command);
  }
  BOOST_TEST(ok("ID NIL") == Lines{kDefaultId}, tt::per_element());
}

BOOST_FIXTURE_TEST_CASE(client_lists_over_the_section_3_3_limits_are_bad, AliceSession) {
  // At the limits: fine.
  std::string at_limits = "ID (";
  for (int i = 0; i < 29; ++i) at_limits += "\"f" + std::to_string(i) + "\" \"v\" ";
  at_limits += "\"" + std::string(30, 'f') + "\" \"" + std::string(1024, 'v') + "\")";
  BOOST_TEST(ok(at_limits) == Lines{kDefaultId}, tt::per_element());
  // "Field strings MUST NOT be longer than 30 octets."
  std::string got = answer("ID (\"" + std::string(31, 'f') + "\" \"v\")");
  BOOST_TEST(got.rfind("BAD ", 0) == 0u, "31-byte field name -> " << got);
  BOOST_TEST(c->last_untagged().empty());
  // "Value strings MUST NOT be longer than 1024 octets."
  got = answer("ID (\"name\" \"" + std::string(1025, 'v') + "\")");
  BOOST_TEST(got.rfind("BAD ", 0) == 0u, "1025-byte value -> " << got);
  BOOST_TEST(c->last_untagged().empty());
  // "Implementations MUST NOT send more than 30 field-value pairs."
  std::string too_many = "ID (";
  for (int i = 0; i < 31; ++i) too_many += std::string(i == 0 ? "" : " ") + "\"f" + std::to_string(i) + "\" \"v\"";
  got = answer(too_many + ")");
  BOOST_TEST(got.rfind("BAD ", 0) == 0u, "31 pairs -> " << got);
  BOOST_TEST(c->last_untagged().empty());
  // "Implementations MUST NOT send the same field name more than once." (Strings are not case-sensitive.)
  got = answer("ID (\"name\" \"a\" \"name\" \"b\")");
  BOOST_TEST(got.rfind("BAD ", 0) == 0u, "name twice -> " << got);
  BOOST_TEST(c->last_untagged().empty());
  got = answer("ID (\"name\" \"a\" \"NAME\" \"b\")");
  BOOST_TEST(got.rfind("BAD ", 0) == 0u, "name and NAME -> " << got);
  BOOST_TEST(c->last_untagged().empty());
  BOOST_TEST(ok("ID NIL") == Lines{kDefaultId}, tt::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
