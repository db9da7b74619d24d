// Transaction (lmtp/protocol/transaction.h): command order, the per-recipient replies of RFC 2033, DATA and BDAT
// (never mixed), size and recipient limits, SMTPUTF8, RSET/LHLO resets and failure handling. Most cases drive a
// small fake session (LineReader + parse_command + Transaction + DataDecoder/ChunkReader, as the real one will) with
// whole client transcripts, whole, split at every offset and byte by byte, and compare every reply sent.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "config/config.h"
#include "lmtp/protocol/recipient.h"
#include "lmtp/protocol/transaction.h"
#include "test/unit/lmtp/lmtp_test_util.h"

namespace lmtp::protocol {
inline std::ostream& operator<<(std::ostream& os, StepKind k) { return os << static_cast<int>(k); }
inline std::ostream& operator<<(std::ostream& os, Transaction::Phase p) { return os << static_cast<int>(p); }
}  // namespace lmtp::protocol

namespace {

using namespace lmtp_test;
using namespace std::literals;

struct Delivery {
  Envelope envelope;
  std::string message;
};

// Plays the server side of a session. Recipients resolve with the default [delivery] rules; the account "nobody"
// does not exist (550 5.1.1), and delivering to "full" fails with over_quota (452 4.2.2).
class FakeSession {
 public:
  explicit FakeSession(std::uint64_t max_bytes = 1000, std::size_t max_recipients = kMaxRecipients)
      : tx_("mx.test", max_bytes, max_recipients), max_bytes_(max_bytes) {}

  void feed(std::string_view piece) {
    if (closed_) return;
    reader_.feed(piece);
    pump();
  }

  const std::string& out() const { return out_; }
  const std::vector<Delivery>& deliveries() const { return deliveries_; }
  bool closed() const { return closed_; }
  Transaction& tx() { return tx_; }

 private:
  enum class Mode { commands, data, chunk, discard };

  void send(const Reply& r) { r.append_to(out_); }

  void pump() {
    while (!closed_) {
      switch (mode_) {
        case Mode::commands: {
          const LineResult r = reader_.next();
          if (r.kind == LineKind::need_more) return;
          if (r.kind == LineKind::too_long) {
            send(replies::line_too_long());
          } else {
            command(r.line);
          }
          break;
        }
        case Mode::data: {
          const auto p = decoder_.feed(reader_.buffered(), message_);
          reader_.consume(p.consumed);
          if (!p.done) return;
          finish(tx_.data_complete(decoder_.too_big() ? std::optional<Reply>(replies::too_big()) : std::nullopt));
          break;
        }
        case Mode::chunk:
        case Mode::discard: {
          const std::string_view piece = chunk_.take(reader_.buffered());
          if (accept_chunk_ && mode_ == Mode::chunk) message_ += piece;
          reader_.consume(piece.size());
          if (!chunk_.done()) return;
          if (mode_ == Mode::discard) {
            send(pending_);
            mode_ = Mode::commands;
          } else {
            finish(tx_.chunk_complete(fail_next_chunk_ ? std::optional<Reply>(replies::temporary_failure())
                                                        : std::nullopt));
          }
          break;
        }
      }
    }
  }

  void command(std::string_view line) {
    ParseResult cmd = parse_command(line);
    if (!cmd) {
      const CommandError& e = cmd.error();
      if (e.close) {
        send(e.reply);
        closed_ = true;
      } else if (e.discard > 0) {
        chunk_ = ChunkReader(e.discard);
        pending_ = e.reply;
        mode_ = Mode::discard;
      } else {
        send(e.reply);
      }
      return;
    }
    if (const auto* b = std::get_if<Bdat>(&*cmd)) fail_next_chunk_ = b->size == 13;  // a "staging failure"
    const Step s = tx_.on_command(*cmd);
    switch (s.kind) {
      case StepKind::reply: send(s.reply); break;
      case StepKind::close:
        send(s.reply);
        closed_ = true;
        break;
      case StepKind::recipient: {
        const Address& to = std::get<Rcpt>(*cmd).to;
        auto account = normalize_recipient(to, config::DeliveryConfig{});
        if (account && *account == "nobody") account = base::fail(base::Errc::no_such_user, "nobody");
        send(account ? tx_.accept_recipient(to, *account) : reply_for(account.error()));
        break;
      }
      case StepKind::data:
        send(s.reply);
        decoder_ = DataDecoder(max_bytes_);
        message_.clear();
        mode_ = Mode::data;
        break;
      case StepKind::chunk:
        chunk_ = ChunkReader(s.chunk_size);
        accept_chunk_ = s.accept_chunk;
        mode_ = Mode::chunk;
        break;
    }
    if (tx_.phase() == Transaction::Phase::idle || tx_.phase() == Transaction::Phase::mail) message_.clear();
  }

  void finish(Completion c) {
    for (const Reply& r : c.replies) send(r);
    if (c.deliver) {
      for (const Recipient& r : c.deliver->recipients) {
        send(r.account == "full" ? reply_for(base::fail(base::Errc::over_quota)) : replies::delivered());
      }
      deliveries_.push_back(Delivery{std::move(*c.deliver), message_});
    }
    // Chunks accumulate while the transaction is in its chunks phase; anything else ends the message.
    if (tx_.phase() != Transaction::Phase::chunks) message_.clear();
    mode_ = Mode::commands;
  }

  Transaction tx_;
  LineReader reader_;
  std::uint64_t max_bytes_;
  DataDecoder decoder_{1000};
  ChunkReader chunk_{0};
  bool accept_chunk_ = false;
  bool fail_next_chunk_ = false;
  Reply pending_;
  Mode mode_ = Mode::commands;
  std::string message_;
  std::string out_;
  std::vector<Delivery> deliveries_;
  bool closed_ = false;
};

// Runs a client transcript whole, split at every offset and byte by byte; the replies must agree. Returns the
// session that got it whole.
FakeSession converse(std::string_view client, std::uint64_t max_bytes = 1000, std::size_t max_rcpt = kMaxRecipients) {
  FakeSession whole(max_bytes, max_rcpt);
  whole.feed(client);
  for (std::size_t k = 0; k <= client.size(); ++k) {
    FakeSession s(max_bytes, max_rcpt);
    s.feed(client.substr(0, k));
    s.feed(client.substr(k));
    BOOST_TEST_INFO("split at " << k);
    BOOST_TEST(show(s.out()) == show(whole.out()));
    BOOST_TEST(s.deliveries().size() == whole.deliveries().size());
  }
  FakeSession bytes(max_bytes, max_rcpt);
  for (char c : client) bytes.feed(std::string_view(&c, 1));
  BOOST_TEST(show(bytes.out()) == show(whole.out()));
  return whole;
}

// The server's replies for a transcript, one string per reply line, CRLF removed.
std::vector<std::string> lines(const FakeSession& s) {
  std::vector<std::string> out;
  const std::string& w = s.out();
  for (std::size_t pos = 0; pos < w.size();) {
    const std::size_t eol = w.find("\r\n", pos);
    out.push_back(w.substr(pos, eol - pos));
    pos = eol + 2;
  }
  return out;
}

const std::string kLhlo = "LHLO client.test\r\n";
const std::vector<std::string> kLhloReply = {"250-mx.test", "250-PIPELINING", "250-8BITMIME", "250-BINARYMIME",
                                             "250-CHUNKING", "250-SIZE 1000", "250-ENHANCEDSTATUSCODES",
                                             "250 SMTPUTF8"};

// kLhloReply followed by `more`.
std::vector<std::string> after_lhlo(std::vector<std::string> more) {
  std::vector<std::string> all = kLhloReply;
  all.insert(all.end(), more.begin(), more.end());
  return all;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(transaction)

BOOST_AUTO_TEST_CASE(rfc2033_example_one_reply_per_successful_rcpt) {
  const FakeSession s = converse(kLhlo +
                                 "MAIL FROM:<chris@bar.com>\r\n"
                                 "RCPT TO:<pat@foo.edu>\r\n"
                                 "RCPT TO:<nobody@foo.edu>\r\n"
                                 "RCPT TO:<full@foo.edu>\r\n"
                                 "DATA\r\n"
                                 "Blah blah blah...\r\n...etc. etc. etc.\r\n.\r\n"
                                 "QUIT\r\n");
  BOOST_TEST(lines(s) == after_lhlo({"250 2.1.0 Sender OK", "250 2.1.5 Recipient OK", "550 5.1.1 No such user here",
                                     "250 2.1.5 Recipient OK", "354 Start mail input; end with <CRLF>.<CRLF>",
                                     "250 2.0.0 Message delivered", "452 4.2.2 Mailbox full",
                                     "221 2.0.0 mx.test closing connection"}),
             boost::test_tools::per_element());
  BOOST_TEST(s.closed());
  BOOST_REQUIRE(s.deliveries().size() == 1u);
  const Delivery& d = s.deliveries()[0];
  BOOST_TEST(d.message == "Blah blah blah...\r\n..etc. etc. etc.\r\n");
  BOOST_TEST((d.envelope.mail.from == Address{"chris", "bar.com", false}));
  BOOST_REQUIRE(d.envelope.recipients.size() == 2u);
  BOOST_TEST(d.envelope.recipients[0].account == "pat");
  BOOST_TEST(d.envelope.recipients[1].account == "full");
  BOOST_TEST(!d.envelope.chunked);
}

BOOST_AUTO_TEST_CASE(duplicate_recipients_get_a_reply_each) {
  const FakeSession s = converse(kLhlo + "MAIL FROM:<>\r\nRCPT TO:<a@x>\r\nRCPT TO:<A+tag@X>\r\nDATA\r\nhi\r\n.\r\n");
  BOOST_TEST(lines(s) == after_lhlo({"250 2.1.0 Sender OK", "250 2.1.5 Recipient OK", "250 2.1.5 Recipient OK",
                                     "354 Start mail input; end with <CRLF>.<CRLF>", "250 2.0.0 Message delivered",
                                     "250 2.0.0 Message delivered"}),
             boost::test_tools::per_element());
  BOOST_TEST(s.deliveries().at(0).envelope.recipients.size() == 2u);
  BOOST_TEST(s.deliveries().at(0).envelope.recipients[1].account == "a");
  BOOST_TEST(!s.deliveries().at(0).envelope.mail.from.has_value());
}

BOOST_AUTO_TEST_CASE(sequencing_errors) {
  BOOST_TEST(lines(converse("MAIL FROM:<a@b>\r\n")) == std::vector<std::string>{"503 5.5.1 Send LHLO first"});
  BOOST_TEST(lines(converse("RCPT TO:<a@b>\r\n")) == std::vector<std::string>{"503 5.5.1 Send MAIL first"});
  BOOST_TEST(lines(converse(kLhlo + "RCPT TO:<a@b>\r\n")) == after_lhlo({"503 5.5.1 Send MAIL first"}));
  BOOST_TEST(lines(converse(kLhlo + "DATA\r\n")) == after_lhlo({"503 5.5.1 Send MAIL first"}));
  BOOST_TEST(lines(converse(kLhlo + "MAIL FROM:<>\r\nDATA\r\n")) ==
             after_lhlo({"250 2.1.0 Sender OK", "503 5.5.1 No valid recipients"}));
  // All RCPTs failed: DATA MUST fail with 503 (RFC 2033 §4.2); the client sends no message after a 503.
  BOOST_TEST(lines(converse(kLhlo + "MAIL FROM:<>\r\nRCPT TO:<nobody@x>\r\nDATA\r\nNOOP\r\n")) ==
             after_lhlo({"250 2.1.0 Sender OK", "550 5.1.1 No such user here", "503 5.5.1 No valid recipients",
                         "250 2.0.0 OK"}));
  BOOST_TEST(lines(converse(kLhlo + "MAIL FROM:<>\r\nMAIL FROM:<>\r\n")) ==
             after_lhlo({"250 2.1.0 Sender OK", "503 5.5.1 Sender already specified"}));
}

BOOST_AUTO_TEST_CASE(rset_and_lhlo_end_the_transaction) {
  BOOST_TEST(lines(converse(kLhlo + "MAIL FROM:<>\r\nRCPT TO:<a@x>\r\nRSET\r\nRCPT TO:<a@x>\r\nMAIL FROM:<>\r\n")) ==
             after_lhlo({"250 2.1.0 Sender OK", "250 2.1.5 Recipient OK", "250 2.0.0 OK",
                         "503 5.5.1 Send MAIL first", "250 2.1.0 Sender OK"}));
  std::vector<std::string> expected = after_lhlo({"250 2.1.0 Sender OK"});
  expected.insert(expected.end(), kLhloReply.begin(), kLhloReply.end());
  expected.push_back("250 2.1.0 Sender OK");
  BOOST_TEST(lines(converse(kLhlo + "MAIL FROM:<>\r\n" + kLhlo + "MAIL FROM:<>\r\n")) == expected);
  // RSET before LHLO is a harmless no-op (RFC 5321 §4.1.1.5); it does not greet.
  BOOST_TEST(lines(converse("RSET\r\nMAIL FROM:<>\r\n")) ==
             (std::vector<std::string>{"250 2.0.0 OK", "503 5.5.1 Send LHLO first"}));
}

BOOST_AUTO_TEST_CASE(the_transaction_ends_with_the_message) {
  const FakeSession s = converse(kLhlo +
                                 "MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\none\r\n.\r\n"
                                 "RCPT TO:<c@x>\r\n"
                                 "MAIL FROM:<d@x>\r\nRCPT TO:<e@x>\r\nDATA\r\ntwo\r\n.\r\n");
  BOOST_TEST(lines(s) == after_lhlo({"250 2.1.0 Sender OK", "250 2.1.5 Recipient OK",
                                     "354 Start mail input; end with <CRLF>.<CRLF>", "250 2.0.0 Message delivered",
                                     "503 5.5.1 Send MAIL first", "250 2.1.0 Sender OK", "250 2.1.5 Recipient OK",
                                     "354 Start mail input; end with <CRLF>.<CRLF>", "250 2.0.0 Message delivered"}),
             boost::test_tools::per_element());
  BOOST_REQUIRE(s.deliveries().size() == 2u);
  BOOST_TEST(s.deliveries()[1].message == "two\r\n");
  BOOST_TEST(s.deliveries()[1].envelope.recipients.size() == 1u);
  BOOST_TEST(s.deliveries()[1].envelope.recipients[0].account == "e");
}

BOOST_AUTO_TEST_CASE(commands_valid_at_any_time) {
  BOOST_TEST(lines(converse("NOOP\r\nVRFY alice\r\nHELP\r\n" + kLhlo +
                            "MAIL FROM:<>\r\nNOOP\r\nVRFY x\r\nXYZZY\r\nRCPT TO:<a@x>\r\nDATA\r\nm\r\n.\r\n")) ==
             (std::vector<std::string>{
                 "250 2.0.0 OK", "252 2.0.0 Cannot VRFY user; try RCPT",
                 "214 2.0.0 Commands: LHLO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP", "250-mx.test",
                 "250-PIPELINING", "250-8BITMIME", "250-BINARYMIME", "250-CHUNKING", "250-SIZE 1000",
                 "250-ENHANCEDSTATUSCODES", "250 SMTPUTF8", "250 2.1.0 Sender OK", "250 2.0.0 OK",
                 "252 2.0.0 Cannot VRFY user; try RCPT", "500 5.5.2 Command unrecognized", "250 2.1.5 Recipient OK",
                 "354 Start mail input; end with <CRLF>.<CRLF>", "250 2.0.0 Message delivered"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(quit_closes_and_nothing_after_it_is_read) {
  const FakeSession s = converse(kLhlo + "QUIT\r\nNOOP\r\n");
  BOOST_TEST(lines(s) == after_lhlo({"221 2.0.0 mx.test closing connection"}));
  BOOST_TEST(s.closed());
}

BOOST_AUTO_TEST_CASE(size_limits) {
  // SIZE= over the limit is refused at MAIL (RFC 1870); at the limit it is fine.
  BOOST_TEST(lines(converse(kLhlo + "MAIL FROM:<> SIZE=1001\r\nMAIL FROM:<> SIZE=1000\r\n")) ==
             after_lhlo({"552 5.3.4 Message size exceeds fixed maximum message size", "250 2.1.0 Sender OK"}));
  // A DATA message over the limit: 552 for every recipient, the transaction ends, the session goes on.
  const std::string big(1200, 'x');
  const FakeSession s = converse(kLhlo + "MAIL FROM:<>\r\nRCPT TO:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n" + big +
                                 "\r\n.\r\nMAIL FROM:<>\r\n");
  BOOST_TEST(lines(s) == after_lhlo({"250 2.1.0 Sender OK", "250 2.1.5 Recipient OK", "250 2.1.5 Recipient OK",
                                     "354 Start mail input; end with <CRLF>.<CRLF>",
                                     "552 5.3.4 Message size exceeds fixed maximum message size",
                                     "552 5.3.4 Message size exceeds fixed maximum message size",
                                     "250 2.1.0 Sender OK"}),
             boost::test_tools::per_element());
  BOOST_TEST(s.deliveries().empty());
}

BOOST_AUTO_TEST_CASE(smtputf8_is_required_for_non_ascii_addresses) {
  // RFC 6531 §3.5: 550 5.6.7 for MAIL, 553 5.6.7 for RCPT.
  BOOST_TEST(lines(converse(kLhlo + "MAIL FROM:<j\xc3\xb6rg@x>\r\nMAIL FROM:<j\xc3\xb6rg@x> SMTPUTF8\r\n")) ==
             after_lhlo({"550 5.6.7 Non-ASCII sender address needs SMTPUTF8", "250 2.1.0 Sender OK"}));
  BOOST_TEST(lines(converse(kLhlo + "MAIL FROM:<>\r\nRCPT TO:<j\xc3\xb6rg@x>\r\n")) ==
             after_lhlo({"250 2.1.0 Sender OK", "553 5.6.7 Non-ASCII recipient address needs SMTPUTF8"}));
  const FakeSession s = converse(kLhlo + "MAIL FROM:<> SMTPUTF8 BODY=8BITMIME\r\nRCPT TO:<J\xc3\xb6rg@x>\r\n"
                                         "DATA\r\nm\r\n.\r\n");
  BOOST_TEST(lines(s) == after_lhlo({"250 2.1.0 Sender OK", "250 2.1.5 Recipient OK",
                                     "354 Start mail input; end with <CRLF>.<CRLF>", "250 2.0.0 Message delivered"}));
  BOOST_TEST(s.deliveries().at(0).envelope.recipients.at(0).account == "j\xc3\xb6rg");  // ASCII folded only
  BOOST_TEST(s.deliveries().at(0).envelope.mail.smtputf8);
  BOOST_TEST(s.deliveries().at(0).envelope.mail.body == BodyType::eight_bit_mime);
}

BOOST_AUTO_TEST_CASE(recipient_limit) {
  const FakeSession s = converse(kLhlo + "MAIL FROM:<>\r\nRCPT TO:<a@x>\r\nRCPT TO:<nobody@x>\r\nRCPT TO:<b@x>\r\n"
                                         "RCPT TO:<c@x>\r\nDATA\r\nm\r\n.\r\n", 1000, 2);
  BOOST_TEST(lines(s) == after_lhlo({"250 2.1.0 Sender OK", "250 2.1.5 Recipient OK", "550 5.1.1 No such user here",
                                     "250 2.1.5 Recipient OK", "452 4.5.3 Too many recipients",
                                     "354 Start mail input; end with <CRLF>.<CRLF>", "250 2.0.0 Message delivered",
                                     "250 2.0.0 Message delivered"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(thousand_recipients_by_default) {
  Transaction tx("mx", 1000);
  BOOST_TEST(tx.on_command(Lhlo{"c"}).reply.code == 250);
  BOOST_TEST(tx.on_command(Mail{}).reply == replies::sender_ok());
  for (std::size_t i = 0; i < kMaxRecipients; ++i) {
    const Rcpt r{Address{"u" + std::to_string(i), "x", false}};
    BOOST_REQUIRE(tx.on_command(r).kind == StepKind::recipient);
    BOOST_REQUIRE(tx.accept_recipient(r.to, r.to.local) == replies::recipient_ok());
  }
  const Step over = tx.on_command(Rcpt{Address{"one-more", "x", false}});
  BOOST_TEST(over.kind == StepKind::reply);
  BOOST_TEST(over.reply == replies::too_many_recipients());
  const Step data = tx.on_command(Data{});
  BOOST_TEST(data.kind == StepKind::data);
  const Completion c = tx.data_complete(replies::temporary_failure());  // e.g. staging failed
  BOOST_TEST(c.replies.size() == kMaxRecipients);
  BOOST_TEST(c.replies.front() == replies::temporary_failure());
  BOOST_TEST(!c.deliver.has_value());
  BOOST_TEST(tx.phase() == Transaction::Phase::idle);
  BOOST_TEST(tx.recipients().empty());
}

BOOST_AUTO_TEST_CASE(chunking_rfc3030_example) {
  const FakeSession s = converse(kLhlo +
                                 "MAIL FROM:<ned@ymir.claremont.edu> BODY=BINARYMIME\r\n"
                                 "RCPT TO:<gvaudre@cnri.reston.va.us>\r\n"
                                 "RCPT TO:<jstewart@cnri.reston.va.us>\r\n"
                                 "BDAT 11\r\n0123\r\n\0\x01\xff\r\n"s
                                 "BDAT 5\r\n.\r\n\r\n"
                                 "BDAT 0 LAST\r\n"
                                 "QUIT\r\n");
  BOOST_TEST(lines(s) == after_lhlo({"250 2.1.0 Sender OK", "250 2.1.5 Recipient OK", "250 2.1.5 Recipient OK",
                                     "250 2.0.0 11 octets received", "250 2.0.0 5 octets received",
                                     "250 2.0.0 Message delivered", "250 2.0.0 Message delivered",
                                     "221 2.0.0 mx.test closing connection"}),
             boost::test_tools::per_element());
  BOOST_REQUIRE(s.deliveries().size() == 1u);
  // Chunks are exact: nothing is unstuffed and binary octets pass.
  BOOST_TEST(show(s.deliveries()[0].message) == show("0123\r\n\0\x01\xff\r\n.\r\n\r\n"sv));
  BOOST_TEST(s.deliveries()[0].envelope.chunked);
  BOOST_TEST(s.deliveries()[0].envelope.chunked_size == 16u);
  BOOST_TEST(s.deliveries()[0].envelope.mail.body == BodyType::binary_mime);
}

BOOST_AUTO_TEST_CASE(bdat_and_data_do_not_mix) {
  // DATA after BDAT: 503 (RFC 3030 §2); RCPT after BDAT: 503; DATA with BODY=BINARYMIME: 503 (§3).
  BOOST_TEST(lines(converse(kLhlo + "MAIL FROM:<>\r\nRCPT TO:<a@x>\r\nBDAT 2\r\nabDATA\r\nRCPT TO:<b@x>\r\n"
                                    "BDAT 1 LAST\r\nc")) ==
             after_lhlo({"250 2.1.0 Sender OK", "250 2.1.5 Recipient OK", "250 2.0.0 2 octets received",
                         "503 5.5.1 DATA not allowed after BDAT", "503 5.5.1 RCPT not allowed after BDAT",
                         "250 2.0.0 Message delivered"}),
             boost::test_tools::per_element());
  BOOST_TEST(lines(converse(kLhlo + "MAIL FROM:<> BODY=BINARYMIME\r\nRCPT TO:<a@x>\r\nDATA\r\nBDAT 1 LAST\r\nc")) ==
             after_lhlo({"250 2.1.0 Sender OK", "250 2.1.5 Recipient OK", "503 5.5.1 BODY=BINARYMIME requires BDAT",
                         "250 2.0.0 Message delivered"}));
  // BDAT in one transaction, DATA in the next: fine (RFC 3030 §2).
  const FakeSession s = converse(kLhlo + "MAIL FROM:<>\r\nRCPT TO:<a@x>\r\nBDAT 3 LAST\r\none"
                                         "MAIL FROM:<>\r\nRCPT TO:<a@x>\r\nDATA\r\ntwo\r\n.\r\n");
  BOOST_REQUIRE(s.deliveries().size() == 2u);
  BOOST_TEST(s.deliveries()[0].message == "one");
  BOOST_TEST(s.deliveries()[1].message == "two\r\n");
}

BOOST_AUTO_TEST_CASE(refused_bdat_chunks_are_read_and_dropped) {
  // Without MAIL or without a successful RCPT: one 503 (even for LAST), the octets skipped, the session in step.
  BOOST_TEST(lines(converse(kLhlo + "BDAT 9 LAST\r\nNOOP\r\nxxxNOOP\r\n")) ==
             after_lhlo({"503 5.5.1 Send MAIL first", "250 2.0.0 OK"}));
  BOOST_TEST(lines(converse(kLhlo + "MAIL FROM:<>\r\nRCPT TO:<nobody@x>\r\nBDAT 4 LAST\r\nRSETMAIL FROM:<>\r\n")) ==
             after_lhlo({"250 2.1.0 Sender OK", "550 5.1.1 No such user here", "503 5.5.1 No valid recipients",
                         "250 2.1.0 Sender OK"}));  // BDAT LAST ended the transaction
  BOOST_TEST(lines(converse(kLhlo + "MAIL FROM:<>\r\nBDAT 4\r\nRSETNOOP\r\n")) ==
             after_lhlo({"250 2.1.0 Sender OK", "503 5.5.1 No valid recipients", "250 2.0.0 OK"}));
  // A BDAT line that does not parse but whose size is readable: its octets are dropped too, then the 501.
  BOOST_TEST(lines(converse(kLhlo + "BDAT 6 LAZT\r\nQUIT\r\nNOOP\r\n")) ==
             after_lhlo({"501 5.5.4 Syntax: BDAT size [LAST]", "250 2.0.0 OK"}));
  // Unreadable size: reply, then close.
  const FakeSession s = converse(kLhlo + "BDAT lots\r\nNOOP\r\n");
  BOOST_TEST(lines(s) == after_lhlo({"501 5.5.4 Syntax: BDAT size [LAST]"}));
  BOOST_TEST(s.closed());
}

BOOST_AUTO_TEST_CASE(bdat_over_the_size_limit_fails_the_transaction) {
  // 600 + 600 > 1000: the second chunk fails with 552 and is dropped; the pipelined chunks after it get the same
  // reply, LAST once per recipient; then the transaction is over.
  const std::string c600(600, 'x');
  const FakeSession s = converse(kLhlo + "MAIL FROM:<>\r\nRCPT TO:<a@x>\r\nRCPT TO:<b@x>\r\n"
                                         "BDAT 600\r\n" + c600 + "BDAT 600\r\n" + c600 + "BDAT 1\r\nxBDAT 0 LAST\r\n"
                                         "MAIL FROM:<>\r\n");
  const std::string r552 = "552 5.3.4 Message size exceeds fixed maximum message size";
  BOOST_TEST(lines(s) == after_lhlo({"250 2.1.0 Sender OK", "250 2.1.5 Recipient OK", "250 2.1.5 Recipient OK",
                                     "250 2.0.0 600 octets received", r552, r552, r552, r552,
                                     "250 2.1.0 Sender OK"}),
             boost::test_tools::per_element());
  BOOST_TEST(s.deliveries().empty());
  // Exactly at the limit is fine.
  const FakeSession ok = converse(kLhlo + "MAIL FROM:<>\r\nRCPT TO:<a@x>\r\nBDAT 600\r\n" + c600 +
                                  "BDAT 400 LAST\r\n" + std::string(400, 'y'));
  BOOST_TEST(ok.deliveries().size() == 1u);
  BOOST_TEST(ok.deliveries().at(0).message.size() == 1000u);
  // One huge chunk (the session still reads and drops it all).
  BOOST_TEST(lines(converse(kLhlo + "MAIL FROM:<>\r\nRCPT TO:<a@x>\r\nBDAT 1001 LAST\r\n" + std::string(1001, 'z') +
                            "NOOP\r\n")) ==
             after_lhlo({"250 2.1.0 Sender OK", "250 2.1.5 Recipient OK", r552, "250 2.0.0 OK"}));
}

BOOST_AUTO_TEST_CASE(bdat_staging_failure_stays_temporary) {
  // The fake session fails staging for a 13-octet chunk: 451 for it, and the same 451 for the rest of the
  // transaction, so the MTA retries instead of bouncing.
  const FakeSession s = converse(kLhlo + "MAIL FROM:<>\r\nRCPT TO:<a@x>\r\nRCPT TO:<b@x>\r\n"
                                         "BDAT 2\r\nabBDAT 13\r\n0123456789abcBDAT 2 LAST\r\nyzRSET\r\n");
  const std::string r451 = "451 4.3.0 Temporary local problem; try again later";
  BOOST_TEST(lines(s) == after_lhlo({"250 2.1.0 Sender OK", "250 2.1.5 Recipient OK", "250 2.1.5 Recipient OK",
                                     "250 2.0.0 2 octets received", r451, r451, r451, "250 2.0.0 OK"}),
             boost::test_tools::per_element());
  BOOST_TEST(s.deliveries().empty());
}

BOOST_AUTO_TEST_CASE(rset_in_the_middle_of_chunking) {
  const FakeSession s = converse(kLhlo + "MAIL FROM:<>\r\nRCPT TO:<a@x>\r\nBDAT 2\r\nabRSET\r\nBDAT 1 LAST\r\nx"
                                         "MAIL FROM:<>\r\nRCPT TO:<a@x>\r\nBDAT 2 LAST\r\ncd");
  BOOST_TEST(lines(s) == after_lhlo({"250 2.1.0 Sender OK", "250 2.1.5 Recipient OK", "250 2.0.0 2 octets received",
                                     "250 2.0.0 OK", "503 5.5.1 Send MAIL first", "250 2.1.0 Sender OK",
                                     "250 2.1.5 Recipient OK", "250 2.0.0 Message delivered"}),
             boost::test_tools::per_element());
  BOOST_REQUIRE(s.deliveries().size() == 1u);
  BOOST_TEST(s.deliveries()[0].message == "cd");  // the chunks before RSET are gone
}

BOOST_AUTO_TEST_CASE(long_lines_mid_transaction) {
  BOOST_TEST(lines(converse(kLhlo + "MAIL FROM:<>\r\nNOOP " + std::string(5000, 'x') + "\r\nRCPT TO:<a@x>\r\n")) ==
             after_lhlo({"250 2.1.0 Sender OK", "500 5.5.2 Line too long", "250 2.1.5 Recipient OK"}));
}

BOOST_AUTO_TEST_CASE(step_details) {
  Transaction tx("mx", 100);
  BOOST_TEST(!tx.greeted());
  BOOST_TEST(tx.on_command(Lhlo{"c"}).reply == replies::lhlo("mx", 100));
  BOOST_TEST(tx.greeted());
  BOOST_TEST(tx.phase() == Transaction::Phase::idle);
  tx.on_command(Mail{});
  BOOST_TEST(tx.phase() == Transaction::Phase::mail);
  tx.accept_recipient(Address{"a", "x", false}, "a");
  Step s = tx.on_command(Bdat{5, false});
  BOOST_TEST(s.kind == StepKind::chunk);
  BOOST_TEST(s.chunk_size == 5u);
  BOOST_TEST(s.accept_chunk);
  BOOST_TEST(tx.phase() == Transaction::Phase::chunks);
  Completion c = tx.chunk_complete();
  BOOST_TEST(c.replies == std::vector<Reply>{replies::chunk_ok(5)});
  s = tx.on_command(Bdat{0, true});
  BOOST_TEST(s.accept_chunk);
  c = tx.chunk_complete();
  BOOST_TEST(c.replies.empty());
  BOOST_REQUIRE(c.deliver.has_value());
  BOOST_TEST(c.deliver->chunked_size == 5u);
  BOOST_TEST(c.deliver->recipients.size() == 1u);
  BOOST_TEST(tx.phase() == Transaction::Phase::idle);
  BOOST_TEST(tx.on_command(Quit{}).kind == StepKind::close);
}

BOOST_AUTO_TEST_SUITE_END()
