// Every ```yaml example in the "Segments" section of docs/workflows.md
// parses without a single diagnostic: a bare rule, a named segment file, or
// a workflow (its audience and its segment steps). Named segments resolve
// in workflows/segments/, as for the example workflows. Blocks marked
// <!-- invalid: FILE --> are checked by tests/integration/workflow_cli.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "segment/parse.hpp"
#include "segment_test_util.hpp"
#include "util/yaml_json.hpp"

namespace herald::segment {
namespace {

namespace fs = std::filesystem;
using ::testing::IsEmpty;

struct Block {
  std::string text;
  int line = 0;
};

std::vector<Block> segmentSectionYaml() {
  std::ifstream in(fs::path(HERALD_SOURCE_DIR) / "docs" / "workflows.md");
  std::vector<Block> blocks;
  std::string line, marker;
  bool inside = false;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.rfind("## ", 0) == 0) inside = line == "## Segments: who a workflow is for";
    if (!inside) continue;
    if (line.rfind("<!--", 0) == 0) {
      marker = line;
      continue;
    }
    if (line.rfind("```", 0) == 0) {
      const bool yaml = line == "```yaml";
      Block b;
      b.line = n;
      while (std::getline(in, line) && line != "```") {
        ++n;
        b.text += line + "\n";
      }
      ++n;
      if (yaml && marker.rfind("<!-- invalid:", 0) != 0) blocks.push_back(std::move(b));
      marker.clear();
      continue;
    }
    if (!line.empty()) marker.clear();
  }
  return blocks;
}

TEST(Docs, SegmentExamplesParse) {
  Diagnostics lib_diags;
  const Library library =
      Library::load((fs::path(HERALD_SOURCE_DIR) / "workflows" / "segments").string(), lib_diags);
  EXPECT_THAT(testing::lines(lib_diags), IsEmpty());
  const fs::path tmp =
      fs::temp_directory_path() / ("herald-docs-segment-" + std::to_string(::getpid()));
  fs::create_directories(tmp);

  const auto blocks = segmentSectionYaml();
  int rules = 0, files = 0, workflows = 0;
  for (const auto& b : blocks) {
    const std::string where = "docs/workflows.md:" + std::to_string(b.line);
    Diagnostics d;
    YAML::Node root;
    try {
      root = YAML::Load(b.text);
    } catch (const YAML::Exception& e) {
      ADD_FAILURE() << where << ": " << e.what();
      continue;
    }
    if (root.IsMap() && root["name"] && root["rule"]) {
      const fs::path file = tmp / (std::to_string(b.line) + ".yaml");
      std::ofstream(file) << b.text;
      EXPECT_TRUE(loadRuleArgument(file.string(), library, d)) << where;
      ++files;
    } else if (root.IsMap() && (root["steps"] || root["audience"])) {
      Positions positions;
      const auto doc = yamlToJson(root, where, positions);
      if (doc.contains("audience") && !doc["audience"].is_null()) {
        EXPECT_TRUE(parseRule(doc, "/audience", positions, &library, d)) << where;
      }
      const auto steps = doc.value("steps", nlohmann::json::array());
      for (size_t i = 0; i < steps.size(); ++i) {
        if (steps[i].value("uses", "") != "segment") continue;
        const std::string ptr = "/steps/" + std::to_string(i) + "/with/rule";
        EXPECT_TRUE(parseRule(doc, ptr, positions, &library, d)) << where;
      }
      ++workflows;
    } else {
      EXPECT_TRUE(parseRule(root, where, &library, d)) << where << "\n" << b.text;
      ++rules;
    }
    EXPECT_THAT(testing::lines(d), IsEmpty()) << where << "\n" << b.text;
  }
  fs::remove_all(tmp);
  EXPECT_GE(rules, 15);
  EXPECT_GE(files, 1);
  EXPECT_GE(workflows, 1);
}

}  // namespace
}  // namespace herald::segment
