#pragma once
// The filter library: every `| name: args` a template may use. The compiler
// looks each filter up once (unknown names and wrong argument counts are
// compile errors); the renderer calls `fn` through the pointer it stored.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "template/value.hpp"

namespace herald::tmpl {

// What a filter may read from the render besides its input and arguments.
struct FilterEnv {
  std::string_view locale;    // BCP 47, already resolved ("" never: en-US at worst)
  std::string_view timezone;  // IANA zone name, already resolved ("UTC" at worst)
  std::string_view currency;  // ISO 4217, already resolved ("USD" at worst)
  int64_t now_ms = 0;
  // The bytes a filter may still make (Limits::max_memory_bytes less what
  // the render holds). A filter whose result could grow far beyond its
  // input (join, replace, split) checks as it builds: past `room` it sets
  // `over_memory` and returns nil, and the render fails with the limit. The
  // renderer checks every other result once it is made.
  size_t room = SIZE_MAX;
  bool over_memory = false;
  // A filter that cannot produce a value (divided_by: 0, a malformed date
  // format) sets this to the reason and returns nil; the render then fails
  // with it.
  std::string error;
};

using FilterFn = Value (*)(const Value& input, std::span<const Value> args, FilterEnv& env);

struct FilterSpec {
  std::string_view name;
  uint8_t min_args = 0;
  uint8_t max_args = 0;
  FilterFn fn = nullptr;
  std::string_view usage;  // for errors: "truncate: LENGTH, ELLIPSIS"
};

// The filter called `name`; nullptr when there is none.
const FilterSpec* findFilter(std::string_view name);
// Every filter, in the order docs/templates.md lists them.
std::span<const FilterSpec> allFilters();

}  // namespace herald::tmpl
