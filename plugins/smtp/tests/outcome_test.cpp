#include "outcome.hpp"

#include <gtest/gtest.h>

namespace herald::smtp {
namespace {

SmtpResult answered(SmtpReply rcpt, SmtpReply data = {250, "2.0.0", "Ok: queued as 4Bx9Kd1"}) {
  SmtpResult r;
  r.mail_from = SmtpReply{250, "2.1.0", "Ok"};
  r.recipients = {std::move(rcpt)};
  if (r.recipients[0].code < 300) r.data = std::move(data);
  return r;
}

TEST(SmtpOutcome, AcceptedMessageContinuesWithTheQueueId) {
  const Delivery d = classify(answered({250, "2.1.5", "Ok"}), "<herald.a@x>", 60000);
  ASSERT_TRUE(std::holds_alternative<Continue>(d.outcome));
  EXPECT_EQ(std::get<Continue>(d.outcome).vars,
            (nlohmann::json{{"smtp_queue_id", "4Bx9Kd1"}, {"message_id", "<herald.a@x>"}}));
  EXPECT_FALSE(d.suppress_reason);
}

TEST(SmtpOutcome, QueueIdFromTheUsualServers) {
  EXPECT_EQ(queueIdOf({250, "2.0.0", "Ok: queued as 4Bx9Kd1"}), "4Bx9Kd1");
  EXPECT_EQ(queueIdOf({250, "", "OK id=1qWxyz-0004ab-Cd"}), "1qWxyz-0004ab-Cd");
  EXPECT_EQ(queueIdOf({250, "", "OK"}), "OK");
}

TEST(SmtpOutcome, PermanentRcptIsAHardBounceThatSuppresses) {
  const Delivery d = classify(answered({550, "5.1.1", "<gone@example.com>: user unknown"}), "", 1);
  ASSERT_TRUE(std::holds_alternative<Fail>(d.outcome));
  EXPECT_EQ(std::get<Fail>(d.outcome).reason,
            "smtp: hard bounce: 550 5.1.1 <gone@example.com>: user unknown");
  EXPECT_FALSE(std::get<Fail>(d.outcome).retryable);
  EXPECT_EQ(d.suppress_reason, "smtp hard bounce: 550 5.1.1 <gone@example.com>: user unknown");
  // smtp-sink's answer, and one without an enhanced code: the 5xx is trusted.
  EXPECT_TRUE(classify(answered({500, "5.3.0", "Error: command failed"}), "", 1).suppress_reason);
  EXPECT_TRUE(classify(answered({550, "", "no such user"}), "", 1).suppress_reason);
}

TEST(SmtpOutcome, AddressesAreTakenOutOfStoredReasons) {
  EXPECT_EQ(withoutAddress("550 5.1.1 <Ann@Example.com>: no such user ann@example.com",
                           "ann@example.com"),
            "550 5.1.1 <[recipient]>: no such user [recipient]");
  EXPECT_EQ(withoutAddress("550 no such user", ""), "550 no such user");
}

TEST(SmtpOutcome, PolicyAndRelayRefusalsFailWithoutSuppressing) {
  // "Relay access denied" says nothing about the address: suppressing it
  // would lose every contact to one misconfigured relay.
  const Delivery d = classify(answered({554, "5.7.1", "Relay access denied"}), "", 1);
  ASSERT_TRUE(std::holds_alternative<Fail>(d.outcome));
  EXPECT_EQ(std::get<Fail>(d.outcome).reason, "smtp: RCPT refused: 554 5.7.1 Relay access denied");
  EXPECT_FALSE(d.suppress_reason);
}

TEST(SmtpOutcome, TemporaryAnswersRetryLaterAndAreNoFailure) {
  for (int code : {421, 450, 451, 452, 454}) {
    const Delivery d = classify(answered({code, "4.7.1", "try again later"}), "", 30000);
    ASSERT_TRUE(std::holds_alternative<RetryAfter>(d.outcome)) << code;
    EXPECT_EQ(std::get<RetryAfter>(d.outcome).delay_ms, 30000);
    EXPECT_EQ(std::get<RetryAfter>(d.outcome).reason,
              "smtp: RCPT deferred: " + std::to_string(code) + " 4.7.1 try again later");
    EXPECT_FALSE(d.suppress_reason);
  }
  SmtpResult mail = answered({250, "", "Ok"});
  mail.mail_from = SmtpReply{451, "4.3.0", "busy"};
  EXPECT_TRUE(std::holds_alternative<RetryAfter>(classify(mail, "", 1).outcome));
  SmtpResult data = answered({250, "", "Ok"}, {452, "4.3.1", "insufficient storage"});
  EXPECT_EQ(std::get<RetryAfter>(classify(data, "", 1).outcome).reason,
            "smtp: message deferred: 452 4.3.1 insufficient storage");
}

TEST(SmtpOutcome, TransportErrorsRetryOnlyWhenTheHostSaysSo) {
  SmtpResult r;
  r.transport_error = true;
  r.retryable = true;
  r.error = "connection refused";
  EXPECT_EQ(std::get<RetryAfter>(classify(r, "", 5).outcome).reason, "smtp: connection refused");
  r.retryable = false;
  r.error = "certificate verify failed";
  const Delivery d = classify(r, "", 5);
  EXPECT_EQ(std::get<Fail>(d.outcome).reason, "smtp: certificate verify failed");
  EXPECT_FALSE(std::get<Fail>(d.outcome).retryable);
}

TEST(SmtpOutcome, RefusedSenderOrContentFailsWithoutSuppressing) {
  SmtpResult mail = answered({250, "", "Ok"});
  mail.mail_from = SmtpReply{553, "5.7.1", "sender not owned by user"};
  EXPECT_EQ(std::get<Fail>(classify(mail, "", 1).outcome).reason,
            "smtp: MAIL FROM refused: 553 5.7.1 sender not owned by user");
  const Delivery d =
      classify(answered({250, "", "Ok"}, {554, "5.6.0", "message looks like spam"}), "", 1);
  EXPECT_EQ(std::get<Fail>(d.outcome).reason,
            "smtp: message refused: 554 5.6.0 message looks like spam");
  EXPECT_FALSE(d.suppress_reason);
}

}  // namespace
}  // namespace herald::smtp
