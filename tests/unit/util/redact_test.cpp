// Contacts' addresses never reach a log line in clear.
#include "util/redact.hpp"

#include <gtest/gtest.h>

#include "util/log.hpp"

namespace herald {
namespace {

using redact::maskEmail;
using redact::maskPhone;
using redact::redactContacts;

TEST(Redact, MasksAnEmailAddressButKeepsItsDomain) {
  EXPECT_EQ(maskEmail("jane.doe@example.com"), "j***@example.com");
  EXPECT_EQ(maskEmail("a@b.io"), "a***@b.io");
  EXPECT_EQ(maskEmail("not an address"), "***");
}

TEST(Redact, MasksAPhoneNumberButKeepsCountryAndLastDigits) {
  EXPECT_EQ(maskPhone("+442079460123"), "+44*******123");
  EXPECT_EQ(maskPhone("+44 20 7946 0123"), "+44*******123");
  EXPECT_EQ(maskPhone("+1234567"), "+*******");
}

TEST(Redact, FindsAddressesInFreeText) {
  EXPECT_EQ(redactContacts("contact's email address 'ann@example.com' is not valid"),
            "contact's email address 'a***@example.com' is not valid");
  EXPECT_EQ(redactContacts("sent to Bob.Smith+news@mail.example.co.uk."),
            "sent to B***@mail.example.co.uk.");
  EXPECT_EQ(redactContacts("sms to +44 7700 900123 refused"), "sms to +44*******123 refused");
  EXPECT_EQ(redactContacts("to=+14155550123,from=+14155550100"),
            "to=+14******123,from=+14******100");
  EXPECT_EQ(redactContacts("a@example.com and b@example.org"),
            "a***@example.com and b***@example.org");
}

TEST(Redact, LeavesOrdinaryLogTextAlone) {
  for (const char* text : {"run 12: 500 journeys moved", "step 'send' failed: HTTP 503",
                           "loaded plugin 'outbox' 0.1.0 from /usr/lib/herald/plugins", "wait +5m",
                           "1+1=2", "user@localhost said hi", "@mention",
                           "x+123456789012345678 too long for a phone", "C++20"}) {
    EXPECT_EQ(redactContacts(text), text);
  }
}

class LogRedaction : public ::testing::Test {
 protected:
  void SetUp() override {
    log::setSink([this](const std::string& line) { lines_.push_back(line); });
  }
  void TearDown() override { log::setSink(nullptr); }
  std::vector<std::string> lines_;
};

TEST_F(LogRedaction, EveryMessageIsRedactedWhateverItsSource) {
  log::error("outbox/send", "provider refused jane@example.com (+447700900123)");
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0].find("jane@"), std::string::npos) << lines_[0];
  EXPECT_EQ(lines_[0].find("7700900"), std::string::npos) << lines_[0];
  EXPECT_NE(lines_[0].find("j***@example.com (+44*******123)"), std::string::npos) << lines_[0];
}

// The rule: a secret (an API token, a link key, an SMTP password) is never
// logged. Whoever reads one registers it; every later line shows [secret].
TEST_F(LogRedaction, RegisteredSecretsNeverAppear) {
  log::registerSecret("s3cr3t-admin-token-0123456789");
  log::registerSecret("hunter2hunter2");
  log::registerSecret("short");  // too short to be told from ordinary words: ignored
  log::warn("http", "401 for Bearer s3cr3t-admin-token-0123456789");
  log::error("smtp/send", "AUTH PLAIN user hunter2hunter2 hunter2hunter2 refused");
  log::info("x", "a short word");
  ASSERT_EQ(lines_.size(), 3u);
  EXPECT_NE(lines_[0].find("401 for Bearer [secret]"), std::string::npos) << lines_[0];
  EXPECT_NE(lines_[1].find("AUTH PLAIN user [secret] [secret] refused"), std::string::npos)
      << lines_[1];
  EXPECT_NE(lines_[2].find("a short word"), std::string::npos);
}

}  // namespace
}  // namespace herald
