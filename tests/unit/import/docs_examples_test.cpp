// The CSV and JSON Lines examples in docs/import.md (contacts, events,
// products) import without a problem:
// a marketer copies them.
#include <fstream>
#include <sstream>

#include "import_fixture.hpp"

namespace herald::import::testing {
namespace {

// The fenced blocks of `lang` in the file, in order.
std::vector<std::string> blocks(const std::string& path, const std::string& lang) {
  std::ifstream in(path);
  std::stringstream all;
  all << in.rdbuf();
  std::vector<std::string> out;
  std::string text = all.str();
  const std::string open = "```" + lang + "\n";
  for (size_t at = text.find(open); at != std::string::npos; at = text.find(open, at)) {
    size_t start = at + open.size();
    size_t end = text.find("```", start);
    out.push_back(text.substr(start, end - start));
    at = end;
  }
  return out;
}

using DocsExamples = ImportTest;

TEST_F(DocsExamples, ImportMdExamplesImport) {
  const std::string doc = std::string(HERALD_SOURCE_DIR) + "/docs/import.md";
  auto csv = blocks(doc, "csv");
  auto jsonl = blocks(doc, "json");
  ASSERT_EQ(csv.size(), 3u) << "contacts, events and products examples";
  ASSERT_EQ(jsonl.size(), 3u);

  auto r = contacts(file("contacts.csv", csv[0]));
  EXPECT_EQ(lines(r), std::vector<std::string>{});
  EXPECT_EQ(r.created, 3);
  r = events(file("events.csv", csv[1]));
  EXPECT_EQ(lines(r), std::vector<std::string>{});
  EXPECT_EQ(r.stored, 3);

  r = contacts(file("contacts.jsonl", jsonl[0]));
  EXPECT_EQ(lines(r), std::vector<std::string>{});
  EXPECT_EQ(r.updated, 1);
  r = events(file("events.jsonl", jsonl[1]));
  EXPECT_EQ(lines(r), std::vector<std::string>{});
  EXPECT_EQ(r.duplicates, 1);  // E1 came with the CSV already

  ImportOptions o;
  o.path = file("products.csv", csv[2]).string();
  r = importProducts(store(), o);
  EXPECT_EQ(lines(r), std::vector<std::string>{});
  EXPECT_EQ(r.created, 1);
  o.path = file("products.jsonl", jsonl[2]).string();
  r = importProducts(store(), o);
  EXPECT_EQ(lines(r), std::vector<std::string>{});
  EXPECT_GE(r.stored, 1);

  auto ann = store().contactByExternalId("C1001");
  ASSERT_TRUE(ann);
  EXPECT_EQ(ann->attributes["address"]["city"], "Boston");
  EXPECT_EQ(store().contactByExternalId("C1002")->first_name, "민준");
}

TEST_F(DocsExamples, SampleDataImports) {
  const std::string data = std::string(HERALD_SOURCE_DIR) + "/workflows/data/";
  auto r = contacts(data + "contacts.csv");
  EXPECT_EQ(lines(r), std::vector<std::string>{});
  EXPECT_EQ(r.created, 300);
  r = events(data + "events.csv");
  EXPECT_EQ(lines(r), std::vector<std::string>{});
  EXPECT_EQ(r.stored, 2000);
}

}  // namespace
}  // namespace herald::import::testing
