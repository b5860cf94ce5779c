// JSON nested deeper than util/json_nesting.hpp allows is a bad value at its
// line and column, whatever imports it: before the limit a 60,000-level row
// crashed the importer and a 2,000-level one was stored and broke every
// segment rule on attributes.
#include "import_fixture.hpp"
#include "util/json_nesting.hpp"

namespace herald::import::testing {
namespace {

using Lines = std::vector<std::string>;

std::string nested(int levels) {
  return std::string(static_cast<size_t>(levels), '[') + "1" +
         std::string(static_cast<size_t>(levels), ']');
}

const std::string kTooDeep =
    "a value nested more than 64 levels deep (arrays and objects inside each other; Herald "
    "reads at most 64 levels)";

class JsonNesting : public ImportTest {};

TEST_F(JsonNesting, ADeepContactRowIsABadRowAtTheBracket) {
  // Column 29 is the first '[' past the limit: the row's object is level 1.
  const std::string prefix = R"({"email": "a@example.com", "x": )";
  auto r = contacts(file("deep.jsonl", R"({"email": "ok@example.com"})"
                                       "\n" +
                                           prefix + nested(60'000) + "}\n" + prefix +
                                           nested(2'000) + "}\n"));
  const std::string col = std::to_string(prefix.size() + kMaxJsonNesting);
  EXPECT_EQ(lines(r), (Lines{"deep.jsonl:2:" + col + ": error: " + kTooDeep,
                             "deep.jsonl:3:" + col + ": error: " + kTooDeep}));
  EXPECT_FALSE(r.committed);
}

TEST_F(JsonNesting, TheLimitItselfIsStored) {
  const std::string row =
      R"({"email": "a@example.com", "x": )" + nested(kMaxJsonNesting - 1) + "}\n";
  auto r = contacts(file("ok.jsonl", row));
  EXPECT_EQ(lines(r), Lines{});
  EXPECT_TRUE(r.committed);
}

TEST_F(JsonNesting, ADeepAttributesCellInACsvFile) {
  const std::string cell = "{\"\"x\"\": " + nested(100) + "}";
  auto r = contacts(file("deep.csv", "email,attributes\na@example.com,\"" + cell + "\"\n"));
  ASSERT_EQ(lines(r).size(), 1u);
  EXPECT_TRUE(lines(r)[0].starts_with("deep.csv:2:2: error: column 'attributes': '{\"x\": [[[["))
      << lines(r)[0];
  EXPECT_TRUE(lines(r)[0].ends_with("…' is " + std::string(jsonTooDeepMessage()))) << lines(r)[0];
}

TEST_F(JsonNesting, ADeepEventRow) {
  ASSERT_TRUE(contacts(file("c.csv", "external_id\nC1\n")).committed);
  const std::string prefix =
      R"({"external_id": "C1", "type": "view", "at": "2024-05-01", "properties": {"p": )";
  auto r = events(file("deep.jsonl", prefix + nested(60'000) + "}}\n"));
  EXPECT_EQ(lines(r), (Lines{"deep.jsonl:1:" + std::to_string(prefix.size() + kMaxJsonNesting - 1) +
                             ": error: " + kTooDeep}));
}

}  // namespace
}  // namespace herald::import::testing
