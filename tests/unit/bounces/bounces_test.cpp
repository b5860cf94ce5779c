// Delivery status notifications (RFC 3464): reading them, and what they do
// to a real SQLite store (events, suppressions).
#include <gtest/gtest.h>

#include <herald/message_id.hpp>

#include "bounces/apply_bounce.hpp"
#include "bounces/dsn.hpp"
#include "store_fixture.hpp"

namespace herald::bounces {
namespace {

// As Postfix writes them (LF line ends here; CRLF works the same).
std::string postfixDsn(const std::string& message_id, const std::string& action = "failed",
                       const std::string& status = "5.1.1") {
  return "Return-Path: <>\n"
         "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\n"
         "Subject: Undelivered Mail Returned to Sender\n"
         "To: bounces@acme.example\n"
         "MIME-Version: 1.0\n"
         "Content-Type: multipart/report; report-type=delivery-status;\n"
         "\tboundary=\"B1\"\n"
         "\n"
         "This is a MIME-encapsulated message.\n"
         "\n"
         "--B1\n"
         "Content-Description: Notification\n"
         "Content-Type: text/plain; charset=us-ascii\n"
         "\n"
         "I'm sorry to have to inform you that your message could not be delivered.\n"
         "\n"
         "--B1\n"
         "Content-Description: Delivery report\n"
         "Content-Type: message/delivery-status\n"
         "\n"
         "Reporting-MTA: dns; mx.example.net\n"
         "Arrival-Date: Mon,  7 Dec 2026 10:00:00 +0000 (UTC)\n"
         "\n"
         "Final-Recipient: rfc822; Ann@Example.COM\n"
         "Original-Recipient: rfc822;ann@example.com\n"
         "Action: " +
         action +
         "\n"
         "Status: " +
         status +
         "\n"
         "Remote-MTA: dns; mx.example.com\n"
         "Diagnostic-Code: smtp; 550 " +
         status +
         " <ann@example.com>: Recipient address\n"
         "    rejected: User unknown\n"
         "\n"
         "--B1\n"
         "Content-Description: Undelivered Message Headers\n"
         "Content-Type: text/rfc822-headers\n"
         "\n"
         "From: news@acme.example\n"
         "To: ann@example.com\n"
         "Subject: Autumn\n"
         "Message-ID: <" +
         message_id +
         ">\n"
         "\n"
         "--B1--\n";
}

TEST(Dsn, ReadsEachRecipientAndTheQuotedMessageId) {
  const auto dsn = parseDsn(postfixDsn("herald.welcome.rev1.send.1.0@acme.example"));
  ASSERT_TRUE(dsn);
  ASSERT_EQ(dsn->recipients.size(), 1u);
  EXPECT_EQ(dsn->recipients[0].address, "Ann@Example.COM");
  EXPECT_EQ(dsn->recipients[0].action, "failed");
  EXPECT_EQ(dsn->recipients[0].status, "5.1.1");
  EXPECT_EQ(dsn->recipients[0].diagnostic,
            "550 5.1.1 <ann@example.com>: Recipient address rejected: User unknown");
  EXPECT_EQ(dsn->original_message_id, "<herald.welcome.rev1.send.1.0@acme.example>");
  EXPECT_TRUE(isHardBounce(dsn->recipients[0]));
}

TEST(Dsn, WhatIsAndIsNotAHardBounce) {
  EXPECT_FALSE(isHardBounce({"a@b", "failed", "5.7.1", "policy"}));  // our side's problem
  EXPECT_FALSE(isHardBounce({"a@b", "failed", "4.2.2", "mailbox full"}));
  EXPECT_FALSE(isHardBounce({"a@b", "delayed", "4.4.1", ""}));
  EXPECT_TRUE(isHardBounce({"a@b", "failed", "5.1.10", ""}));
}

TEST(Dsn, OtherMailIsNoReport) {
  EXPECT_FALSE(parseDsn("From: ann@example.com\nSubject: Re: Autumn\n\nThanks!\n"));
  EXPECT_FALSE(
      parseDsn("Content-Type: multipart/report; report-type=disposition-notification;"
               " boundary=x\n\n--x\n\n--x--\n"));
  EXPECT_FALSE(parseDsn(""));
}

TEST(Dsn, CrlfLineEndsAndAQuotedWholeMessage) {
  std::string text = postfixDsn("herald.w.r.s.9.0@acme.example");
  const auto at = text.find("Content-Type: text/rfc822-headers");
  text.replace(at, 33, "Content-Type: message/rfc822");
  std::string crlf;
  for (char c : text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  const auto dsn = parseDsn(crlf);
  ASSERT_TRUE(dsn);
  EXPECT_EQ(dsn->recipients.at(0).status, "5.1.1");
  EXPECT_EQ(dsn->original_message_id, "<herald.w.r.s.9.0@acme.example>");
}

class ApplyDsn : public store::testing::StoreTest {
 protected:
  std::string sentKey() {
    const auto ids = addContacts(1);
    store::LedgerEntry e;
    e.key = {"welcome", "rev1", "send", ids[0], 0};
    e.channel = "email";
    e.decision = "allowed";
    e.run_id = 1;
    e.updated_ms = 1000;
    std::vector<store::LedgerEntry> wanted{e};
    store_->claimDeliveries(wanted);
    contact_ = ids[0];
    return messageIdForKey(e.key.text(), "acme.example");
  }
  int64_t contact_ = 0;
};

TEST_F(ApplyDsn, AHardBounceSuppressesTheAddressAndIsAnEventOnce) {
  const auto dsn = parseDsn(postfixDsn(sentKey()));
  ASSERT_TRUE(dsn);
  BounceTally tally;
  applyDsn(*store_, *dsn, 5000, tally);
  applyDsn(*store_, *dsn, 6000, tally);  // the same report read again
  EXPECT_EQ(tally.reports, 2);
  EXPECT_EQ(tally.hard, 2);
  EXPECT_TRUE(store_->isSuppressed("email", "c1@example.com") ||
              store_->isSuppressed("email", "ann@example.com"));
  const auto events = store_->eventsOf(contact_);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "bounced");
  EXPECT_EQ(events[0].properties["status"], "5.1.1");
  EXPECT_EQ(events[0].properties["hard"], true);
  EXPECT_EQ(events[0].properties["diagnostic"],
            "550 5.1.1 <[recipient]>: Recipient address rejected: User unknown");
}

TEST_F(ApplyDsn, ADelayIsOnlyAnEvent) {
  const auto dsn = parseDsn(postfixDsn(sentKey(), "delayed", "4.4.7"));
  ASSERT_TRUE(dsn);
  BounceTally tally;
  applyDsn(*store_, *dsn, 5000, tally);
  EXPECT_EQ(tally.soft, 1);
  EXPECT_FALSE(store_->isSuppressed("email", "ann@example.com"));
  ASSERT_EQ(store_->eventsOf(contact_).size(), 1u);
  EXPECT_EQ(store_->eventsOf(contact_)[0].type, "deferred");
}

TEST_F(ApplyDsn, AReportAboutMailHeraldDidNotSendChangesNothing) {
  sentKey();
  BounceTally tally;
  applyDsn(*store_, *parseDsn(postfixDsn("abc123@elsewhere.example")), 5000, tally);
  applyDsn(*store_, *parseDsn(postfixDsn("herald.other.rev.send.1.0@acme.example")), 5000, tally);
  EXPECT_EQ(tally.not_ours, 2);
  EXPECT_FALSE(store_->isSuppressed("email", "ann@example.com"));
  EXPECT_TRUE(store_->eventsOf(contact_).empty());
}

}  // namespace
}  // namespace herald::bounces
