#include "key.hpp"

#include <gtest/gtest.h>

namespace herald::outbox {
namespace {

TEST(FileName, IsStableSafeAndDistinct) {
  const std::string a = messageFileName("welcome/3f2a/send/42/1");
  EXPECT_EQ(a, messageFileName("welcome/3f2a/send/42/1"));
  EXPECT_EQ(a.rfind("welcome_3f2a_send_42_1.", 0), 0u) << a;
  EXPECT_EQ(a.substr(a.size() - 4), ".eml");
  EXPECT_NE(a, messageFileName("welcome/3f2a/send/42/2"));
  EXPECT_NE(messageFileName("a/b"), messageFileName("a_b"));
  EXPECT_EQ(messageFileName("x:y/../z").find_first_of(":/"), std::string::npos);
  EXPECT_EQ(messageFileName(std::string(500, 'k')).size(), 16u + 1 + 16 + 4);
  const std::string revision(64, 'a');
  const std::string real = messageFileName("welcome/" + revision + "/welcome-email/1234/0");
  EXPECT_EQ(real.rfind("welcome_aaaaaaaaaaaaaaaa_welcome-email_1234_0.", 0), 0u) << real;
}

}  // namespace
}  // namespace herald::outbox
