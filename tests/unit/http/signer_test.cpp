#include "links/signer.hpp"

#include <gtest/gtest.h>

namespace herald::links {
namespace {

const config::LinkKey kOld{"k1", std::string(40, 'a')};
const config::LinkKey kNew{"k2", std::string(40, 'b')};
const int64_t kNow = 1'800'000'000'000;
const std::string kRevision(64, 'c');

LinkIds ids() { return {424242, "welcome", kRevision, "welcome-email", 0, ""}; }

TEST(Signer, SignsAndVerifiesEveryField) {
  Signer s({kOld});
  LinkIds in = ids();
  in.url = "https://shop.example/p?x=1";
  in.occurrence = 3;
  const auto token = s.sign(Purpose::kClick, in, kNow + 60'000);
  EXPECT_LT(token.size(), 200u);
  EXPECT_EQ(
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
  const auto v = s.verify(token, Purpose::kClick, kNow);
  ASSERT_TRUE(v.link);
  EXPECT_EQ(v.link->ids.contact_id, 424242);
  EXPECT_EQ(v.link->ids.workflow, "welcome");
  EXPECT_EQ(v.link->ids.revision, kRevision);
  EXPECT_EQ(v.link->ids.step, "welcome-email");
  EXPECT_EQ(v.link->ids.occurrence, 3);
  EXPECT_EQ(v.link->ids.url, "https://shop.example/p?x=1");
  EXPECT_EQ(v.link->key_id, "k1");
}

TEST(Signer, NothingReadableInTheToken) {
  Signer s({kOld});
  LinkIds in = ids();
  in.url = "https://shop.example/secret-path";
  const auto raw = unbase64url(s.sign(Purpose::kClick, in, kNow + 60'000));
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->find("welcome"), std::string::npos);
  EXPECT_EQ(raw->find("secret-path"), std::string::npos);
}

TEST(Signer, RefusesEveryAlteredByte) {
  Signer s({kOld});
  const auto token = s.sign(Purpose::kUnsubscribe, ids(), kNow + 60'000);
  const auto raw = *unbase64url(token);
  for (size_t i = 0; i < raw.size(); ++i) {
    std::string bad = raw;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    EXPECT_FALSE(s.verify(base64url(bad), Purpose::kUnsubscribe, kNow).link) << "byte " << i;
  }
  EXPECT_FALSE(s.verify(token.substr(0, token.size() - 1), Purpose::kUnsubscribe, kNow).link);
  EXPECT_FALSE(s.verify(token + "A", Purpose::kUnsubscribe, kNow).link);
  EXPECT_FALSE(s.verify("", Purpose::kUnsubscribe, kNow).link);
  EXPECT_FALSE(s.verify("!!!!", Purpose::kUnsubscribe, kNow).link);
}

TEST(Signer, RefusesForgedExpiredAndWrongPurpose) {
  Signer s({kOld});
  Signer forger({{"k1", std::string(40, 'z')}});
  EXPECT_EQ(s.verify(forger.sign(Purpose::kUnsubscribe, ids(), kNow + 60'000),
                     Purpose::kUnsubscribe, kNow)
                .refusal,
            Refusal::kBadSignature);
  EXPECT_EQ(s.verify(s.sign(Purpose::kUnsubscribe, ids(), kNow - 1000), Purpose::kUnsubscribe, kNow)
                .refusal,
            Refusal::kExpired);
  EXPECT_EQ(
      s.verify(s.sign(Purpose::kOpen, ids(), kNow + 60'000), Purpose::kUnsubscribe, kNow).refusal,
      Refusal::kWrongPurpose);
  Signer other({{"k9", std::string(40, 'a')}});
  EXPECT_EQ(
      other.verify(s.sign(Purpose::kOpen, ids(), kNow + 60'000), Purpose::kOpen, kNow).refusal,
      Refusal::kUnknownKey);
}

TEST(Signer, RotationKeepsOldLinksWorking) {
  Signer before({kOld});
  Signer after({kNew, kOld});
  const auto old_link = before.sign(Purpose::kOpen, ids(), kNow + 60'000);
  ASSERT_TRUE(after.verify(old_link, Purpose::kOpen, kNow).link);
  EXPECT_EQ(after.verify(old_link, Purpose::kOpen, kNow).link->key_id, "k1");
  const auto new_link = after.sign(Purpose::kOpen, ids(), kNow + 60'000);
  EXPECT_EQ(after.verify(new_link, Purpose::kOpen, kNow).link->key_id, "k2");
  // Once the old key is dropped, its links stop working.
  EXPECT_EQ(Signer({kNew}).verify(old_link, Purpose::kOpen, kNow).refusal, Refusal::kUnknownKey);
}

TEST(Signer, Base64urlRoundTrips) {
  for (const std::string& s :
       std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    EXPECT_EQ(unbase64url(base64url(s)), s);
  }
  EXPECT_FALSE(unbase64url("A"));
  EXPECT_FALSE(unbase64url("AB+/"));
}

TEST(Signer, LinkUrl) {
  EXPECT_EQ(linkUrl("https://h.example/x/", Purpose::kUnsubscribe, "T"), "https://h.example/x/u/T");
  EXPECT_EQ(linkUrl("https://h.example", Purpose::kOpen, "T"), "https://h.example/o/T");
  EXPECT_EQ(linkUrl("https://h.example", Purpose::kClick, "T"), "https://h.example/c/T");
}

}  // namespace
}  // namespace herald::links
