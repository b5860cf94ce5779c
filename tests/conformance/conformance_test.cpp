// The conformance table: every case of tests/conformance/cases/*.json is one
// test. `expected` is what Shopify's liquid gem printed (recorded by
// oracle.rb); a case where Herald deliberately differs carries
// `herald_expected` (an error is "error: REASON") and `why`, and is listed
// in docs/templates.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "render_case.hpp"
#include "template/filters.hpp"

namespace herald::conformance {
namespace {

namespace fs = std::filesystem;

struct Case {
  std::string file;
  std::string name;
  std::string templ;
  std::shared_ptr<nlohmann::json> data;
  std::string expected;
  bool differs = false;  // herald_expected given
  bool html = false;     // "escape": "html": rendered as an HTML part
  std::string why;
};

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<Case> loadCases() {
  const fs::path dir = HERALD_CONFORMANCE_DIR;
  auto common =
      std::make_shared<nlohmann::json>(nlohmann::json::parse(readFile(dir / "common_data.json")));
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir / "cases"))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<Case> cases;
  for (const auto& f : files) {
    for (const auto& c : nlohmann::json::parse(readFile(f))) {
      Case k;
      k.file = f.filename().string();
      k.name = c.at("name").get<std::string>();
      k.templ = c.at("template").get<std::string>();
      k.html = c.value("escape", "none") == "html";
      k.data = c.contains("data") ? std::make_shared<nlohmann::json>(c["data"]) : common;
      if (c.contains("herald_expected")) {
        k.differs = true;
        k.expected = c["herald_expected"].get<std::string>();
        k.why = c.value("why", "");
      } else {
        k.expected = c.at("expected").is_string() ? c["expected"].get<std::string>() : "";
      }
      cases.push_back(std::move(k));
    }
  }
  return cases;
}

const std::vector<Case>& allCases() {
  static const std::vector<Case> cases = loadCases();
  return cases;
}

// gtest prints a failing parameter with this (not as bytes).
void PrintTo(const Case& c, std::ostream* os) { *os << c.file << ": " << c.name; }

class Conformance : public ::testing::TestWithParam<Case> {};

TEST_P(Conformance, MatchesTheOracle) {
  const Case& c = GetParam();
  const Rendered r =
      renderCase(c.templ, *c.data, c.html ? tmpl::Escape::kHtml : tmpl::Escape::kNone);
  const std::string got = r.ok ? r.text : "error: " + r.text;
  EXPECT_EQ(got, c.expected) << c.file << ": " << c.name << "\ntemplate: " << c.templ
                             << (c.differs ? "\n(Herald differs on purpose: " + c.why + ")" : "");
}

INSTANTIATE_TEST_SUITE_P(Cases, Conformance, ::testing::ValuesIn(allCases()),
                         [](const ::testing::TestParamInfo<Case>& param) {
                           return param.param.name;
                         });

TEST(ConformanceTable, EveryCaseIsWellFormed) {
  std::set<std::string> names;
  size_t differing = 0;
  for (const auto& c : allCases()) {
    EXPECT_TRUE(names.insert(c.name).second) << "duplicate case name " << c.name;
    for (char ch : c.name)
      EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_')
          << c.name << ": names are [A-Za-z0-9_]";
    if (c.differs) {
      ++differing;
      EXPECT_FALSE(c.why.empty()) << c.name << ": a herald_expected needs a why";
    }
  }
  EXPECT_GE(allCases().size(), 250u);
  EXPECT_LT(differing, allCases().size() / 5) << "most cases must match the gem";
}

TEST(ConformanceTable, EveryDeliberateDifferenceIsDocumented) {
  const std::string docs =
      readFile(fs::path(HERALD_CONFORMANCE_DIR) / ".." / ".." / "docs" / "templates.md");
  ASSERT_FALSE(docs.empty()) << "docs/templates.md is missing";
  for (const auto& c : allCases()) {
    if (!c.differs) continue;
    EXPECT_NE(docs.find("`" + c.name + "`"), std::string::npos)
        << c.name << " differs from the gem (" << c.why
        << ") but docs/templates.md does not list it";
  }
}

// docs/templates.md lists each filter as "- `NAME`: `TEMPLATE` → `OUTPUT`";
// every such line must render as written, and every filter must have one.
struct DocExample {
  std::string filter, templ, expected;
  int line = 0;
};

std::vector<DocExample> docExamples() {
  std::vector<DocExample> out;
  std::ifstream in(fs::path(HERALD_CONFORMANCE_DIR) / ".." / ".." / "docs" / "templates.md");
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    const std::string marker = "` \xE2\x86\x92 `";
    if (line.rfind("- `", 0) != 0) continue;
    const size_t colon = line.find("`: `");
    const size_t arrow_at = line.rfind(marker);
    if (colon == std::string::npos || arrow_at == std::string::npos || line.back() != '`') continue;
    DocExample e;
    e.filter = line.substr(3, colon - 3);
    e.templ = line.substr(colon + 4, arrow_at - colon - 4);
    e.expected = line.substr(arrow_at + marker.size(), line.size() - arrow_at - marker.size() - 1);
    e.line = n;
    out.push_back(std::move(e));
  }
  return out;
}

TEST(DocsExamples, EveryFilterLineRendersAsDocumented) {
  const auto data =
      nlohmann::json::parse(readFile(fs::path(HERALD_CONFORMANCE_DIR) / "docs_data.json"));
  const auto examples = docExamples();
  ASSERT_GE(examples.size(), 50u) << "docs/templates.md lost its filter examples";
  for (const auto& e : examples) {
    const Rendered r = renderCase(e.templ, data);
    EXPECT_EQ(r.ok ? r.text : "error: " + r.text, e.expected)
        << "docs/templates.md:" << e.line << ": " << e.templ;
  }
}

TEST(DocsExamples, EveryFilterHasAnExample) {
  std::set<std::string> documented;
  for (const auto& e : docExamples()) documented.insert(e.filter);
  for (const auto& f : tmpl::allFilters())
    EXPECT_TRUE(documented.count(std::string(f.name)))
        << "filter " << f.name << " has no example line in docs/templates.md";
}

}  // namespace
}  // namespace herald::conformance
