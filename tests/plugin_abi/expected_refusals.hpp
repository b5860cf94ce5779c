#pragma once
// The refusal message of every broken plugin in tests/plugin_abi, exactly as
// the loader words it; shared by the Registry test and the `herald plugins`
// test so the two cannot drift apart.
#include <cstddef>
#include <map>
#include <string>

#include "herald/abi.h"

namespace herald::testing {

struct ExpectedRefusal {
  std::string plugin;  // empty when the loader could not learn the name
  std::string reason;  // the whole one-line message
};

inline std::string brokenPath(const std::string& file) {
  return std::string(HERALD_BROKEN_PLUGIN_DIR) + "/" + file;
}

// Keyed by file name.
inline std::map<std::string, ExpectedRefusal> expectedRefusals() {
  const std::string major = std::to_string(HERALD_ABI_MAJOR);
  const std::string minor = std::to_string(HERALD_ABI_MINOR);
  const std::string host = major + "." + minor;
  auto at = [](const std::string& file, const std::string& text) {
    return brokenPath(file) + ": " + text;
  };
  std::map<std::string, ExpectedRefusal> m;
  m["abi_major.so"] = {
      "future_major",
      at("abi_major.so",
         "plugin 'future_major' was built for Herald ABI " + std::to_string(HERALD_ABI_MAJOR + 1) +
             ".0 but this Herald speaks ABI " + host + "; rebuild it against this SDK")};
  m["abi_minor.so"] = {
      "future_minor", at("abi_minor.so", "plugin 'future_minor' was built for Herald ABI " + major +
                                             "." + std::to_string(HERALD_ABI_MINOR + 1) +
                                             ", newer than this Herald's ABI " + host +
                                             "; upgrade Herald or rebuild the plugin against "
                                             "this SDK")};
  m["bad_branches.so"] = {"bad_branches",
                          at("bad_branches.so",
                             "plugin 'bad_branches' declares step type 'bad_branches.step' with "
                             "the branch label 'match' twice")};
  m["bad_version.so"] = {"bad_version", at("bad_version.so",
                                           "plugin 'bad_version' has version '1.2', which is "
                                           "not a semantic version (MAJOR.MINOR.PATCH, e.g. "
                                           "1.2.0)")};
  m["builtin_clash.so"] = {"builtin_clash", at("builtin_clash.so",
                                               "plugin 'builtin_clash' provides step type "
                                               "'wait', which is already an engine built-in")};
  m["dup_second.so"] = {"dup_second", at("dup_second.so",
                                         "plugin 'dup_second' provides step type 'dup.step', "
                                         "which plugin 'dup_first' (" +
                                             brokenPath("dup_first.so") + ") already provides")};
  m["exec_stack.so"] = {"", at("exec_stack.so",
                               "asks for an executable stack (its PT_GNU_STACK program header "
                               "has PF_X); the hardened herald.service "
                               "(MemoryDenyWriteExecute=yes) would make dlopen fail, so it is "
                               "refused everywhere; relink it with -Wl,-z,noexecstack")};
  m["no_entry.so"] = {"", at("no_entry.so",
                             "not a Herald plugin: it does not export the entry symbol "
                             "'herald_plugin_entry' (HERALD_PLUGIN(...) from herald/sdk.hpp "
                             "defines it)")};
  m["no_version.so"] = {"no_version", at("no_version.so", "plugin 'no_version' has no version")};
  m["not_a_library.so"] = {"", at("not_a_library.so", "not a shared library (no ELF header)")};
  m["null_entry.so"] = {"", at("null_entry.so",
                               "herald_plugin_entry() returned NULL (the plugin failed to "
                               "initialise)")};
  m["schema_bad_json.so"] = {
      "schema_bad_json",
      at("schema_bad_json.so",
         "plugin 'schema_bad_json' declares step type 'schema_bad_json.step' with a malformed "
         "config schema: invalid JSON: parse error at line 1, column 35: syntax error while "
         "parsing object key - unexpected end of input; expected string literal")};
  m["schema_bad_keyword.so"] = {
      "schema_bad_keyword",
      at("schema_bad_keyword.so",
         "plugin 'schema_bad_keyword' declares step type 'schema_bad_keyword.step' with a "
         "malformed config schema: /properties/to: unknown keyword 'format' (known keywords: "
         "type, properties, required, additionalProperties, enum, minimum, maximum, minLength, "
         "maxLength, pattern, items, default, description, title, x-secret, x-templated, "
         "x-segment, x-message, x-locales)")};
  m["small_struct.so"] = {
      "small_struct",
      at("small_struct.so",
         "plugin 'small_struct' has a descriptor of " +
             std::to_string(offsetof(herald_plugin, description)) + " bytes, smaller than the " +
             std::to_string(offsetof(herald_plugin, step_types) + sizeof(void*)) +
             " bytes of ABI " + major + ".0 (struct_size too small); rebuild it against this SDK")};
  return m;
}

}  // namespace herald::testing
