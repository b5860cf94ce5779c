// The SMTP client's pure parts: replies, the DATA payload, AUTH's rules.
#include <gtest/gtest.h>

#include "net/smtp_auth.hpp"
#include "net/smtp_payload.hpp"
#include "net/smtp_reply.hpp"

namespace herald::net {
namespace {

TEST(SmtpReplyReader, JoinsTheLinesOfAMultiLineReply) {
  SmtpReplyReader reader;
  EXPECT_EQ(reader.addLine("250-mail.example.test"), SmtpReplyReader::Step::kMore);
  EXPECT_EQ(reader.addLine("250-STARTTLS"), SmtpReplyReader::Step::kMore);
  EXPECT_EQ(reader.addLine("250-PIPELINING"), SmtpReplyReader::Step::kMore);
  EXPECT_EQ(reader.addLine("250-AUTH LOGIN PLAIN"), SmtpReplyReader::Step::kMore);
  EXPECT_EQ(reader.addLine("250 ENHANCEDSTATUSCODES"), SmtpReplyReader::Step::kDone);
  const SmtpReply reply = reader.take(false);
  EXPECT_EQ(reply.code, 250);
  EXPECT_EQ(reply.text,
            "mail.example.test\nSTARTTLS\nPIPELINING\nAUTH LOGIN PLAIN\nENHANCEDSTATUSCODES");
  const SmtpExtensions extensions = parseEhloReply(reply);
  EXPECT_TRUE(extensions.starttls);
  EXPECT_TRUE(extensions.pipelining);
  EXPECT_TRUE(extensions.auth_plain);
  EXPECT_TRUE(extensions.auth_login);
  EXPECT_TRUE(extensions.enhanced_status_codes);
  EXPECT_FALSE(extensions.eight_bit_mime);
}

TEST(SmtpReplyReader, SplitsTheEnhancedCodeFromEachLine) {
  SmtpReplyReader reader;
  reader.addLine("550-5.1.1 The email account that you tried to reach does not exist.");
  reader.addLine("550 5.1.1 Please try double-checking the recipient's address.");
  const SmtpReply reply = reader.take(true);
  EXPECT_EQ(reply.code, 550);
  EXPECT_EQ(reply.enhanced, "5.1.1");
  EXPECT_EQ(reply.text,
            "The email account that you tried to reach does not exist.\n"
            "Please try double-checking the recipient's address.");
}

TEST(SmtpReplyReader, RefusesMalformedLines) {
  SmtpReplyReader reader;
  EXPECT_EQ(reader.addLine("hello"), SmtpReplyReader::Step::kMalformed);
  reader.take(false);
  EXPECT_EQ(reader.addLine("250-first"), SmtpReplyReader::Step::kMore);
  EXPECT_EQ(reader.addLine("251 another code"), SmtpReplyReader::Step::kMalformed);
  reader.take(false);
  EXPECT_EQ(reader.addLine("250"), SmtpReplyReader::Step::kDone);
  EXPECT_EQ(reader.take(false).text, "");
}

TEST(EnhancedStatusPrefix, OnlyACodeOfTheRepliesClass) {
  EXPECT_EQ(enhancedStatusPrefix("4.7.1 try later", 451), "4.7.1");
  EXPECT_EQ(enhancedStatusPrefix("5.7.8", 535), "5.7.8");
  EXPECT_EQ(enhancedStatusPrefix("5.1.1 wrong class", 250), "");
  EXPECT_EQ(enhancedStatusPrefix("2.1.50000 too long", 250), "");
  EXPECT_EQ(enhancedStatusPrefix("2.1 short", 250), "");
  EXPECT_EQ(enhancedStatusPrefix("OK", 250), "");
}

TEST(SmtpDataPayload, StuffsDotsAndEndsEveryLineWithCrlf) {
  EXPECT_EQ(smtpDataPayload("a\n.b\n.\nc\r\nd\re"), "a\r\n..b\r\n..\r\nc\r\nd\r\ne\r\n.\r\n");
  EXPECT_EQ(smtpDataPayload("ends with crlf\r\n"), "ends with crlf\r\n.\r\n");
  EXPECT_EQ(smtpDataPayload(".first"), "..first\r\n.\r\n");
  EXPECT_EQ(smtpDataPayload(""), ".\r\n");
}

TEST(SmtpAuth, CredentialsGoOnlyOverTlsOrToLoopback) {
  SmtpServer server;
  server.host = "mail.example.test";
  server.port = 25;
  server.username = "herald";
  server.password = "hunter2";
  EXPECT_EQ(credentialsRefusal(server, true, false), "");
  EXPECT_EQ(credentialsRefusal(server, false, true), "");
  const std::string refusal = credentialsRefusal(server, false, false);
  EXPECT_EQ(refusal,
            "refusing to send the password of user 'herald' to mail.example.test:25 over an "
            "unencrypted connection (tls: none); use tls: starttls or implicit (AUTH without TLS "
            "is allowed only to a loopback host)");
  EXPECT_EQ(refusal.find("hunter2"), std::string::npos);
}

TEST(SmtpAuth, PlainAndLoginEncodings) {
  SmtpServer server;
  server.username = "herald";
  server.password = "pw";
  EXPECT_EQ(authPlainCommand(server), "AUTH PLAIN AGhlcmFsZABwdw==");
  EXPECT_EQ(base64("herald"), "aGVyYWxk");
}

}  // namespace
}  // namespace herald::net
