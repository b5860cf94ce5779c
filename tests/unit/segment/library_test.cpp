// Named segments: a segments/ folder of files that may refer to each other,
// and what `herald segment preview ARG` accepts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "segment/parse.hpp"
#include "segment_test_util.hpp"

namespace herald::segment {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using testing::errors;
using ::testing::IsEmpty;
using testing::lines;
using testing::parse;

class LibraryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("herald-segment-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "segments");
    old_cwd_ = fs::current_path();
    fs::current_path(root_);
  }
  void TearDown() override {
    fs::current_path(old_cwd_);
    fs::remove_all(root_);
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(root_ / "segments" / name) << text;
  }
  Library load(std::vector<std::string>* diags = nullptr) {
    Diagnostics d;
    Library lib = Library::load("segments", d);
    if (diags) *diags = lines(d);
    return lib;
  }

  fs::path root_, old_cwd_;
};

TEST_F(LibraryTest, LoadsSegmentsThatReferToEachOther) {
  write("vips.yaml", "name: vips\ndescription: Tagged VIP\nrule: {tags: {has: vip}}\n");
  write("lapsed-vips.yml",
        "name: lapsed-vips\ntimezone: Europe/Berlin\nrule:\n  - segment: vips\n"
        "  - event: purchase\n    last: {older_than: 90d}\n");
  write("README.md", "not a segment");
  std::vector<std::string> diags;
  Library lib = load(&diags);
  EXPECT_THAT(diags, IsEmpty());
  EXPECT_EQ(lib.names(), (std::vector<std::string>{"lapsed-vips", "vips"}));
  EXPECT_EQ(lib.dir(), "segments");
  const NamedSegment* s = lib.find("lapsed-vips");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->path, "segments/lapsed-vips.yml");
  EXPECT_EQ(s->timezone, "Europe/Berlin");
  EXPECT_EQ(s->pos.line, 1);
  EXPECT_EQ(s->pos.column, 7);
  const auto& all = std::get<Combination>(s->rule->node);
  const auto& ref = std::get<SegmentRef>(all.children[0]->node);
  EXPECT_EQ(ref.name, "vips");
  EXPECT_EQ(ref.rule, lib.find("vips")->rule);
  EXPECT_EQ(lib.find("vips")->description, "Tagged VIP");
  EXPECT_FALSE(lib.find("vips")->timezone);
  EXPECT_EQ(lib.find("nope"), nullptr);

  // A rule elsewhere refers to them by name.
  auto p = parse("- segment: lapsed-vips\n- reachable: email\n", &lib);
  EXPECT_THAT(p.diags, IsEmpty());
  ASSERT_TRUE(p.rule);
}

TEST_F(LibraryTest, MissingFolderIsAnEmptyLibrary) {
  Diagnostics d;
  Library lib = Library::load("no-such-dir", d);
  EXPECT_FALSE(d.hasErrors());
  EXPECT_THAT(lib.names(), IsEmpty());
  EXPECT_THAT(errors("segment: lapsed", &lib),
              ElementsAre("r.yaml:1:10: error: unknown segment 'lapsed': there are no named "
                          "segments in no-such-dir/ (a named segment is a file such as "
                          "no-such-dir/lapsed.yaml)"));
}

TEST_F(LibraryTest, UnknownNamedSegment) {
  write("lapsed-customers.yaml", "name: lapsed-customers\nrule: {event: purchase}\n");
  write("high-value.yaml", "name: high-value\nrule: {segment: lapsed-customer}\n");
  std::vector<std::string> diags;
  Library lib = load(&diags);
  EXPECT_THAT(diags, ElementsAre("segments/high-value.yaml:2:17: error: unknown segment "
                                 "'lapsed-customer' (did you mean 'lapsed-customers'?); named "
                                 "segments in segments/: high-value and lapsed-customers"));
  EXPECT_EQ(lib.find("high-value"), nullptr);
  ASSERT_TRUE(lib.brokenPath("high-value"));
  EXPECT_EQ(*lib.brokenPath("high-value"), "segments/high-value.yaml");
  EXPECT_THAT(errors("segment: lapsed-customrs", &lib),
              ElementsAre("r.yaml:1:10: error: unknown segment 'lapsed-customrs' (did you mean "
                          "'lapsed-customers'?); named segments in segments/: high-value and "
                          "lapsed-customers"));
  // A reference to a segment with errors says so, and where it is.
  EXPECT_THAT(errors("segment: high-value", &lib),
              ElementsAre("r.yaml:1:10: error: segment 'high-value' (segments/high-value.yaml) "
                          "has errors; fix them first"));
}

TEST_F(LibraryTest, CycleIsAnErrorAtEachReference) {
  write("a.yaml", "name: a\nrule:\n  any:\n    - segment: b\n    - tags: {has: x}\n");
  write("b.yaml", "name: b\nrule: {not: {segment: c}}\n");
  write("c.yaml", "name: c\nrule: {segment: a}\n");
  write("d.yaml", "name: d\nrule: {segment: d}\n");
  write("e.yaml", "name: e\nrule: {segment: a}\n");
  std::vector<std::string> diags;
  Library lib = load(&diags);
  const std::string msg =
      "error: named segments refer to each other in a cycle: a -> b -> c -> a; a segment may "
      "not include itself, directly or through others";
  EXPECT_THAT(diags,
              ElementsAre("segments/a.yaml:4:16: " + msg, "segments/b.yaml:2:23: " + msg,
                          "segments/c.yaml:2:17: " + msg,
                          "segments/d.yaml:2:17: error: named segments refer to each other in "
                          "a cycle: d -> d; a segment may not include itself, directly or "
                          "through others",
                          "segments/e.yaml:2:17: error: segment 'a' (segments/a.yaml) has "
                          "errors; fix them first"));
  EXPECT_THAT(lib.names(), ElementsAre("a", "b", "c", "d", "e"));
  for (const char* n : {"a", "b", "c", "d", "e"}) EXPECT_EQ(lib.find(n), nullptr) << n;
}

TEST_F(LibraryTest, FileMistakes) {
  write("one.yaml", "name: One\nrule: {tags: {has: vip}}\n");
  write("two.yaml", "name: three\nrule: {tags: {has: vip}}\n");
  write("four.yaml", "name: four\ndescrption: x\ntimezone: Europe/Berlinn\n");
  write("five.yaml", "rule: {tags: {has: vip}}\n");
  write("six.yaml", "- tags: {has: vip}\n");
  write("seven.yaml", "name: seven\nrule: {tags: {has: vip}\n");
  write("eight.yaml", "name: eight\nrule: {reachable: fax}\n");
  write("nine.yaml", "name: nine\nname: nine\nrule: {reachable: sms}\n");
  std::vector<std::string> diags;
  Library lib = load(&diags);
  EXPECT_THAT(
      diags,
      ElementsAre(
          "segments/eight.yaml:2:19: error: unknown channel 'fax'; channels: email or sms",
          "segments/five.yaml:1:1: error: missing 'name' (e.g. name: five)",
          "segments/four.yaml:1:1: error: missing 'rule': who the segment is, e.g. rule: {tags: "
          "{has: vip}}",
          "segments/four.yaml:2:1: error: unknown key 'descrption' in a named segment (did you "
          "mean 'description'?); known keys: name, description, timezone and rule",
          "segments/four.yaml:3:11: error: unknown time zone 'Europe/Berlinn'; did you mean "
          "'Europe/Berlin'?",
          "segments/nine.yaml:2:1: error: duplicate key 'name' (first at line 1); each key may "
          "appear once",
          "segments/one.yaml:1:7: error: a segment name is lower-case letters, digits, '-' and "
          "'_', starting with a letter or digit (at most 64), e.g. lapsed-customers; got 'One'",
          "segments/seven.yaml:2:7: error: YAML syntax error: this '{' is never closed: end the "
          "mapping with '}'",
          "segments/six.yaml:1:1: error: a named segment file is a mapping with name, "
          "description, timezone and rule, e.g. name: lapsed-customers / rule: {event: "
          "purchase, older_than: 90d}",
          "segments/two.yaml:1:7: error: the segment's name must match its file name: name: two "
          "in two.yaml (got 'three')"));
  EXPECT_THAT(lib.names(), ElementsAre("eight", "four", "nine", "three"));
}

TEST_F(LibraryTest, DuplicateNames) {
  write("a.yaml", "name: a\nrule: {tags: {has: vip}}\n");
  write("a.yml", "name: a\nrule: {tags: {has: press}}\n");
  std::vector<std::string> diags;
  Library lib = load(&diags);
  EXPECT_THAT(diags, ElementsAre("segments/a.yml:1:7: error: segment name 'a' is also used by "
                                 "segments/a.yaml; each segment needs its own name"));
  ASSERT_TRUE(lib.find("a"));
  EXPECT_EQ(lib.find("a")->path, "segments/a.yaml");
}

TEST_F(LibraryTest, RuleArguments) {
  write("vips.yaml", "name: vips\ntimezone: Asia/Seoul\nrule: {tags: {has: vip}}\n");
  Library lib = load();
  Diagnostics d;
  // By name.
  auto byName = loadRuleArgument("vips", lib, d);
  ASSERT_TRUE(byName);
  EXPECT_EQ(byName->label, "vips");
  EXPECT_EQ(byName->timezone, "Asia/Seoul");
  // A named segment file by path.
  auto byPath = loadRuleArgument("segments/vips.yaml", lib, d);
  ASSERT_TRUE(byPath);
  EXPECT_EQ(byPath->label, "segments/vips.yaml");
  EXPECT_EQ(byPath->timezone, "Asia/Seoul");
  // A file holding a bare rule.
  std::ofstream("bare.yaml") << "- segment: vips\n- reachable: email\n";
  auto bare = loadRuleArgument("bare.yaml", lib, d);
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->label, "bare.yaml");
  EXPECT_FALSE(bare->timezone);
  // Inline YAML and JSON.
  auto inl = loadRuleArgument("{event: purchase, within: 90d}", lib, d);
  ASSERT_TRUE(inl);
  EXPECT_EQ(inl->label, "<rule>");
  EXPECT_TRUE(std::holds_alternative<EventTest>(inl->rule->node));
  EXPECT_TRUE(loadRuleArgument(R"({"rfm": "champions"})", lib, d));
  EXPECT_FALSE(d.hasErrors()) << lines(d)[0];

  Diagnostics e;
  EXPECT_FALSE(loadRuleArgument("{event: purchase, within: 90 days}", lib, e));
  EXPECT_FALSE(loadRuleArgument("vip", lib, e));
  EXPECT_FALSE(loadRuleArgument("missing.yaml", lib, e));
  EXPECT_FALSE(loadRuleArgument("{event: purchase", lib, e));
  std::ofstream("broken.yaml") << "name: broken\nrule: {tags: {hs: vip}}\n";
  EXPECT_FALSE(loadRuleArgument("broken.yaml", lib, e));
  std::ofstream("empty.yaml") << "";
  EXPECT_FALSE(loadRuleArgument("empty.yaml", lib, e));
  EXPECT_THAT(
      lines(e),
      ElementsAre("<rule>:1:1: error: unknown segment 'vip' (did you mean 'vips'?); named "
                  "segments in segments/: vips",
                  "<rule>:1:1: error: YAML syntax error: this '{' is never closed: end the "
                  "mapping with '}'",
                  "<rule>:1:27: error: '90 days' is not a length of time; write a whole number "
                  "above 0 and one unit: s, m, h, d, w, mo (calendar months) or y (calendar "
                  "years), e.g. 30d, 2w or 6mo",
                  "broken.yaml:2:15: error: unknown key 'hs' in a test on tags (did you mean "
                  "'has'?); tests: has, has_any, has_all or has_none",
                  "empty.yaml:1:1: error: the file is empty; it should hold a rule such as "
                  "{tags: {has: vip}}",
                  "missing.yaml: error: no such file"));
}

}  // namespace
}  // namespace herald::segment
