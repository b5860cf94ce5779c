#include <gtest/gtest.h>

#include "util/clock.hpp"
#include "util/diagnostic.hpp"
#include "util/json_pointer.hpp"
#include "util/suggest.hpp"
#include "util/yaml_json.hpp"

namespace herald {
namespace {

TEST(Diagnostic, FormatsFileLineColumn) {
  EXPECT_EQ(formatDiagnostic({Severity::kError, {"a.yaml", 3, 7}, "boom"}),
            "a.yaml:3:7: error: boom");
  EXPECT_EQ(formatDiagnostic({Severity::kWarning, {"a.yaml", 3, 0}, "hm"}),
            "a.yaml:3: warning: hm");
  EXPECT_EQ(formatDiagnostic({Severity::kError, {"", 0, 0}, "x"}), "error: x");
}

TEST(Diagnostic, SortsByPosition) {
  Diagnostics d;
  d.error({"b", 1, 1}, "3");
  d.error({"a", 9, 1}, "2");
  d.error({"a", 2, 5}, "1");
  d.sort();
  EXPECT_EQ(d.items()[0].message, "1");
  EXPECT_EQ(d.items()[2].message, "3");
}

TEST(IsoTime, RoundTrips) {
  auto t = parseIsoTime("2026-11-22T09:30:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(formatIsoTime(*t), "2026-11-22T09:30:00Z");
  EXPECT_EQ(*parseIsoTime("2026-11-22"), *parseIsoTime("2026-11-22T00:00:00Z"));
  EXPECT_FALSE(parseIsoTime("22/11/2026"));
  EXPECT_FALSE(parseIsoTime("2026-13-01"));
  EXPECT_FALSE(parseIsoTime("2026-11-22T09:30:00+02:00"));
}

TEST(YamlJson, TypesPlainScalarsAndKeepsQuotedOnesAsStrings) {
  auto node = YAML::Load("a: 1\nb: '1'\nc: true\nd: 2.5\ne: ~\nf: [x, 'y']\n");
  std::map<std::string, SourcePos> pos;
  auto j = yamlToJson(node, "f.yaml", pos);
  EXPECT_EQ(j["a"], 1);
  EXPECT_EQ(j["b"], "1");
  EXPECT_EQ(j["c"], true);
  EXPECT_EQ(j["d"], 2.5);
  EXPECT_TRUE(j["e"].is_null());
  EXPECT_EQ(j["f"][1], "y");
  EXPECT_EQ(pos["/f/1"].line, 6);
  EXPECT_EQ(pos["/f/1"].column, 8);
  EXPECT_EQ(pos["/c#key"].column, 1);
  EXPECT_EQ(pos["/c"].column, 4);
}

TEST(JsonPointer, ExpandsPatternsOverObjectsAndArrays) {
  nlohmann::json doc = {{"a", {{"x", "1"}, {"y", 2}, {"z/w", "3"}}}, {"b", {"p", "q"}}};
  EXPECT_EQ(expandPointerPattern("/a/*", doc),
            (std::vector<std::string>{"/a/x", "/a/y", "/a/z~1w"}));
  EXPECT_EQ(expandPointerPattern("/b/*", doc), (std::vector<std::string>{"/b/0", "/b/1"}));
  EXPECT_EQ(expandPointerPattern("/b/1", doc), (std::vector<std::string>{"/b/1"}));
  EXPECT_EQ(expandPointerPattern("/a/z~1w", doc), (std::vector<std::string>{"/a/z~1w"}));
  EXPECT_TRUE(expandPointerPattern("/c", doc).empty());
  EXPECT_TRUE(expandPointerPattern("/b/7", doc).empty());
}

TEST(Suggest, DidYouMeanNamesTheClosestCandidate) {
  EXPECT_EQ(didYouMean("subjet", {"subject", "text", "from"}), " (did you mean 'subject'?)");
  EXPECT_EQ(didYouMean("zzzz", {"subject", "text"}), "");
  EXPECT_EQ(joinList({"a", "b", "c"}, "or", true), "'a', 'b' or 'c'");
}

}  // namespace
}  // namespace herald
