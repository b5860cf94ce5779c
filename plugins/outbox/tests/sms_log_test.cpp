#include "sms_log.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <sstream>

namespace herald::outbox {
namespace {

class SmsLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "outbox-sms-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    file_ = dir_ / "sms.jsonl";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string contents() const {
    std::ifstream in(file_, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  static std::vector<SmsLog::Entry> entries(std::initializer_list<std::string> keys) {
    std::vector<SmsLog::Entry> out;
    for (const auto& k : keys) out.push_back({k, R"({"key":")" + k + R"("})", false});
    return out;
  }

  std::filesystem::path dir_;
  std::filesystem::path file_;
};

TEST_F(SmsLogTest, AppendsEachKeyOnce) {
  SmsLog log(file_, true);
  std::vector<std::string> notes;
  auto batch = entries({"a", "b", "a"});
  ASSERT_EQ(log.append(batch, notes), "");
  EXPECT_FALSE(batch[0].duplicate);
  EXPECT_FALSE(batch[1].duplicate);
  EXPECT_TRUE(batch[2].duplicate);
  auto again = entries({"b", "c"});
  ASSERT_EQ(log.append(again, notes), "");
  EXPECT_TRUE(again[0].duplicate);
  EXPECT_EQ(contents(), "{\"key\":\"a\"}\n{\"key\":\"b\"}\n{\"key\":\"c\"}\n");
  EXPECT_TRUE(notes.empty());
}

TEST_F(SmsLogTest, ANewProcessFindsTheKeysInTheFile) {
  std::vector<std::string> notes;
  {
    SmsLog first(file_, false);
    auto batch = entries({"a", "b"});
    ASSERT_EQ(first.append(batch, notes), "");
  }
  SmsLog second(file_, false);
  auto batch = entries({"b", "c"});
  ASSERT_EQ(second.append(batch, notes), "");
  EXPECT_TRUE(batch[0].duplicate);
  EXPECT_FALSE(batch[1].duplicate);
  EXPECT_EQ(contents(), "{\"key\":\"a\"}\n{\"key\":\"b\"}\n{\"key\":\"c\"}\n");
}

TEST_F(SmsLogTest, SeesLinesOtherWritersAppended) {
  SmsLog log(file_, false);
  std::vector<std::string> notes;
  auto first = entries({"a"});
  ASSERT_EQ(log.append(first, notes), "");
  std::ofstream(file_, std::ios::app) << "{\"key\":\"b\"}\n";
  auto batch = entries({"b"});
  ASSERT_EQ(log.append(batch, notes), "");
  EXPECT_TRUE(batch[0].duplicate);
}

TEST_F(SmsLogTest, RepairsALineTornByACrash) {
  std::ofstream(file_) << "{\"key\":\"a\"}\n{\"key\":\"b";
  SmsLog log(file_, false);
  std::vector<std::string> notes;
  auto batch = entries({"b"});
  ASSERT_EQ(log.append(batch, notes), "");
  EXPECT_FALSE(batch[0].duplicate);
  EXPECT_EQ(contents(), "{\"key\":\"a\"}\n{\"key\":\"b\"}\n");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0], "removed an incomplete last line (9 bytes) from " + file_.string() +
                          ", left by an interrupted write");
}

TEST_F(SmsLogTest, SkipsMalformedLinesWithANote) {
  std::ofstream(file_) << "not json\n{\"nokey\":1}\n";
  SmsLog log(file_, false);
  std::vector<std::string> notes;
  auto batch = entries({"a"});
  ASSERT_EQ(log.append(batch, notes), "");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0],
            "2 line(s) of " + file_.string() + " are not outbox entries and were skipped");
}

TEST_F(SmsLogTest, ReportsAnUnwritableFile) {
  SmsLog log(dir_ / "missing" / "sms.jsonl", false);
  std::vector<std::string> notes;
  auto batch = entries({"a"});
  EXPECT_EQ(log.append(batch, notes), "cannot open " + (dir_ / "missing" / "sms.jsonl").string() +
                                          ": No such file or directory");
}

TEST_F(SmsLogTest, SharesOneIndexPerFileInAProcess) {
  EXPECT_EQ(SmsLog::forFile(file_, false), SmsLog::forFile(dir_ / "." / "sms.jsonl", false));
}

}  // namespace
}  // namespace herald::outbox
