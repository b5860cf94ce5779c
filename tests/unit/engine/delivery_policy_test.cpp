// The delivery policy on its own: suppression, address, consent, and the
// workflow's require_consent setting. The engine tests run it end to end.
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

const DeliveryRules kConsent{true};
const DeliveryRules kTransactional{false};

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
              "contact is on the suppression list (erased, or suppressed with 'herald contacts "
              "suppress'); nothing is delivered to them");
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

}  // namespace
}  // namespace herald::engine
