// The delivery policy on its own: suppression, address, consent, the
// workflow's require_consent setting, frequency caps and quiet hours. The
// engine tests run it end to end.
#include "engine/delivery_policy.hpp"

#include <gtest/gtest.h>

namespace herald::engine {
namespace {

store::Contact contact() {
  store::Contact c;
  c.id = 7;
  c.email = "ann@example.com";
  c.phone = "+14155550100";
  c.consents = {{"email", true, "signup-form", 1000, "Weekly news"},
                {"sms", false, "unsubscribe-link", 2000, ""}};
  return c;
}

DeliveryRules consentRules(bool require_consent) {
  DeliveryRules r;
  r.require_consent = require_consent;
  return r;
}

const DeliveryRules kConsent = consentRules(true);
const DeliveryRules kTransactional = consentRules(false);

TEST(DeliveryPolicy, ConsentOnTheChannelAllows) {
  auto d = decideDelivery(contact(), "email", kConsent);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.decision, "allowed");
  EXPECT_EQ(d.reason, "");
}

TEST(DeliveryPolicy, ANoOnTheChannelRefuses) {
  auto d = decideDelivery(contact(), "sms", kConsent);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.decision, "no-consent");
  EXPECT_EQ(d.reason, "contact said no to the sms channel (unsubscribe-link)");
}

TEST(DeliveryPolicy, AOneClickUnsubscribeRefusesAsUnsubscribed) {
  auto c = contact();
  c.consents[0] = {"email", false, kUnsubscribeSource, 3000, "unsubscribe link of news / email"};
  auto d = decideDelivery(c, "email", kConsent);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.decision, "unsubscribed");
  EXPECT_EQ(d.reason, "contact unsubscribed from the email channel through a link in a message");
  // A receipt still goes out.
  EXPECT_TRUE(decideDelivery(c, "email", kTransactional).allowed);
}

TEST(DeliveryPolicy, NoAnswerIsNoConsent) {
  auto c = contact();
  c.consents.clear();
  auto d = decideDelivery(c, "email", kConsent);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.decision, "no-consent");
  EXPECT_EQ(d.reason,
            "contact has no consent for the email channel (import consent_email=yes, or set "
            "require_consent: false for transactional messages)");
  // Consent on one channel says nothing about another.
  EXPECT_EQ(decideDelivery(contact(), "whatsapp", kConsent).decision, "no-consent");
}

TEST(DeliveryPolicy, TransactionalWorkflowsDoNotAskForConsent) {
  auto d = decideDelivery(contact(), "sms", kTransactional);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.decision, "allowed");
}

TEST(DeliveryPolicy, SuppressedContactsGetNothingEvenTransactional) {
  auto c = contact();
  c.suppressed_ms = 5000;
  for (const auto* rules : {&kConsent, &kTransactional}) {
    auto d = decideDelivery(c, "email", *rules);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.decision, "suppressed");
    EXPECT_EQ(d.reason,
              "contact is on the suppression list (erased, bounced, complained, or suppressed "
              "with 'herald contacts suppress'); nothing is delivered to them");
  }
}

TEST(DeliveryPolicy, AMissingAddressComesBeforeConsent) {
  auto c = contact();
  c.phone.reset();
  auto d = decideDelivery(c, "sms", kConsent);
  EXPECT_EQ(d.decision, "no-address");
  EXPECT_EQ(d.reason, "contact has no phone number for the sms channel");
  c.email = "";
  EXPECT_EQ(decideDelivery(c, "email", kTransactional).decision, "no-address");
}

const int64_t k23InSeoul = 1772460000000;  // 2026-03-02T14:00:00Z

config::DeliveryConfig smsRules() {
  config::DeliveryConfig cfg;  // SMS quiet 21:00-08:00 by default
  cfg.caps["sms"] = {2, std::chrono::hours(24 * 7)};
  return cfg;
}

TEST(DeliveryPolicy, TheCapRefusesOnceTheContactHadItsMessagesButNotTransactional) {
  const auto cfg = smsRules();
  auto c = contact();
  c.consents[1].granted = true;
  c.timezone = "Europe/Paris";
  const int64_t noon_paris = 1772449200000;  // 2026-03-02T11:00:00Z
  EXPECT_TRUE(decideDelivery(c, "sms", rulesFor(cfg, "sms", true), {noon_paris, 1}).allowed);
  auto d = decideDelivery(c, "sms", rulesFor(cfg, "sms", true), {noon_paris, 2});
  EXPECT_FALSE(d.allowed);
  EXPECT_FALSE(d.deferred());
  EXPECT_EQ(d.decision, "capped");
  EXPECT_EQ(d.reason,
            "frequency cap: the contact already got 2 sms messages in the last 7d "
            "(delivery.caps.sms: at most 2)");
  EXPECT_TRUE(decideDelivery(c, "sms", rulesFor(cfg, "sms", false), {noon_paris, 9}).allowed);
  // No cap on email in this config.
  EXPECT_TRUE(decideDelivery(c, "email", rulesFor(cfg, "email", true), {noon_paris, 9}).allowed);
}

TEST(DeliveryPolicy, ConsentComesBeforeTheCap) {
  auto d = decideDelivery(contact(), "sms", rulesFor(smsRules(), "sms", true), {0, 5});
  EXPECT_EQ(d.decision, "no-consent");
}

TEST(DeliveryPolicy, QuietHoursDeferToTheirEndInTheContactsZone) {
  auto c = contact();
  c.consents[1].granted = true;
  c.timezone = "Asia/Seoul";
  auto d = decideDelivery(c, "sms", rulesFor(smsRules(), "sms", true), {k23InSeoul, 0});
  EXPECT_FALSE(d.allowed);
  EXPECT_TRUE(d.deferred());
  EXPECT_EQ(d.decision, "quiet-hours");
  EXPECT_EQ(*d.defer_until_ms, 1772492400000);  // 2026-03-02T23:00:00Z, 08:00 in Seoul
  // Transactional messages are not held back.
  EXPECT_TRUE(
      decideDelivery(c, "sms", rulesFor(smsRules(), "sms", false), {k23InSeoul, 0}).allowed);
  // Email has no quiet hours unless configured.
  EXPECT_TRUE(
      decideDelivery(c, "email", rulesFor(smsRules(), "email", true), {k23InSeoul, 0}).allowed);
}

TEST(DeliveryPolicy, NoZoneFailsClosedOnAQuietChannelAndTheWorkspaceDefaultFillsIn) {
  auto c = contact();
  c.consents[1].granted = true;
  auto cfg = smsRules();
  auto d = decideDelivery(c, "sms", rulesFor(cfg, "sms", true), {k23InSeoul, 0});
  EXPECT_EQ(d.decision, "no-timezone");
  EXPECT_FALSE(d.deferred());
  c.timezone = "Mars/Olympus";
  EXPECT_EQ(decideDelivery(c, "sms", rulesFor(cfg, "sms", true), {k23InSeoul, 0}).reason,
            "the sms channel is quiet 21:00-08:00 in the contact's local time, and the contact "
            "has no known time zone (set the contact's timezone, or delivery.default_timezone "
            "in herald.yaml)");
  c.timezone.reset();
  cfg.default_timezone = "Europe/London";  // 14:00 there
  EXPECT_TRUE(decideDelivery(c, "sms", rulesFor(cfg, "sms", true), {k23InSeoul, 0}).allowed);
}

TEST(DeliveryPolicy, QuietHoursWithinOneDayAndAcrossASpringForward) {
  // 12:00-14:00 in Berlin: at 12:30 local (11:30Z in winter) until 14:00 local.
  const config::QuietHours lunch{12 * 60, 14 * 60};
  EXPECT_EQ(quietHoursEnd(lunch, "Europe/Berlin", 1772451000000), 1772456400000);
  EXPECT_FALSE(quietHoursEnd(lunch, "Europe/Berlin", 1772456400000));  // 14:00: open again
  // 01:00-02:30 in New York on 2026-03-08: 02:30 does not exist (02:00 -> 03:00),
  // so the window ends at 03:30 EDT, the gap's length later (util/time_zone).
  const config::QuietHours night{60, 150};
  const int64_t at_0130_est = 1772951400000;  // 2026-03-08T06:30:00Z
  EXPECT_EQ(quietHoursEnd(night, "America/New_York", at_0130_est), 1772955000000);
  EXPECT_FALSE(quietHoursEnd(night, "Nowhere/Else", at_0130_est));
}

TEST(DeliveryConfig, QuietHoursParseAsLocalRanges) {
  const auto q = config::parseQuietHours("21:00-08:00");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->start_minute, 21 * 60);
  EXPECT_EQ(q->end_minute, 8 * 60);
  for (const char* bad :
       {"", "21:00", "9:00-08:00", "21:00-08:60", "24:00-08:00", "08:00-08:00", "21.00-08.00"})
    EXPECT_FALSE(config::parseQuietHours(bad)) << bad;
}

}  // namespace
}  // namespace herald::engine
