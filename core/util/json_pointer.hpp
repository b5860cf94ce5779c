#pragma once
// JSON pointer patterns: how a step's schema names the config fields the host
// treats specially (x-templated, x-segment), with "*" for "every key or
// index here".
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace herald {

// The concrete pointers of `doc` that `pattern` matches ("*" matches every
// key of an object and every index of an array), whatever the nodes' types,
// in document order. A pointer that names nothing in `doc` matches nothing.
// True when `pointer` is an RFC 6901 JSON pointer: "" or "/"-separated
// tokens, each '~' escaped as "~0" or "~1".
bool isJsonPointer(std::string_view pointer);

std::vector<std::string> expandPointerPattern(const std::string& pattern,
                                              const nlohmann::json& doc);

}  // namespace herald
