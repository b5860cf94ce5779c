// libFuzzer target for the YAML-with-positions loader that every workflow,
// segment, message and config file goes through (util/yaml_load.*,
// util/yaml_json.*; issue #10).
//
// The input is a YAML file. It is loaded (the alias budget first) and
// converted to JSON with the position of every node. Besides the sanitizers
// and libFuzzer's time and memory limits (a "billion laughs" that got past
// the budget would trip them), the target checks the loader's promises:
// only YAML::Exception comes out, at a line of the text; every position is
// a line and column inside the text; the JSON converts again to the same JSON.
//
// Built with libFuzzer by the fuzz preset (fuzz_yaml); other builds replay
// the seed corpus once (fuzz_yaml_corpus).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "util/yaml_json.hpp"
#include "util/yaml_load.hpp"

namespace {

[[noreturn]] void broken(const char* promise, const std::string& detail) {
  std::fprintf(stderr, "yaml_fuzz: broken promise: %s: %s\n", promise, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // Lines: a position may sit just past the last newline.
  int lines = 1;
  for (char c : text) lines += c == '\n';
  YAML::Node root;
  try {
    root = herald::loadYaml(text);
  } catch (const YAML::Exception& e) {
    // Reported as FILE:LINE:COL: the line must be one of the file's.
    if (e.mark.line + 1 > lines + 1) broken("an error points at a line of the text", e.what());
    return 0;
  }
  std::map<std::string, herald::SourcePos> positions;
  nlohmann::json json;
  try {
    json = herald::yamlToJson(root, "fuzz.yaml", positions);
  } catch (const YAML::Exception&) {
    return 0;  // e.g. a key that is not a scalar
  }
  for (const auto& [pointer, pos] : positions) {
    if (pos.line == 0) continue;  // a node without a mark (an empty document)
    if (pos.line < 1 || pos.line > lines + 1 || pos.column < 1)
      broken("positions are inside the text", pointer + " at line " + std::to_string(pos.line));
  }
  // Compared as text: a scalar such as nan(1) reads as NaN, which equals
  // nothing. YAML text need not be valid UTF-8: write what is not as U+FFFD.
  const auto text_of = [](const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  if (text_of(herald::yamlToJson(root)) != text_of(json))
    broken("converting twice gives the same JSON", text);
  return 0;
}
