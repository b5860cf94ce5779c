#pragma once
// Turns one cell (CSV text) or one JSON value into a typed attribute or
// property value, with the reason when it cannot.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "import/columns.hpp"
#include "util/json_text.hpp"

namespace herald::import {

// A problem in one row: `column` is the 1-based CSV column (or the character
// column of the key in a JSON line); 0 when it concerns the whole row.
struct Problem {
  int column = 0;
  std::string message;
};
using Problems = std::vector<Problem>;

// 'value' in single quotes for messages, shortened when long.
std::string quoteValue(std::string_view value);

// Converts trimmed, non-empty text to the column's type.
bool textValue(const Column& col, std::string_view text, nlohmann::json& out, std::string& why);
// As textValue, appending the value as JSON text to `out` (no JSON tree).
bool appendTextValue(const Column& col, std::string_view text, std::string& out, std::string& why);

// Converts a JSON value to the column's type (strings are parsed as text).
bool jsonValue(const Column& col, const nlohmann::json& value, nlohmann::json& out,
               std::string& why);

// Why a line is not valid JSON, at the byte where the parser stopped.
Problem jsonSyntaxProblem(std::string_view line);

// A JSON line that nests deeper than util/json_nesting.hpp allows, at the
// character column of the bracket that goes too deep; nullopt when it does
// not. Checked before the line is parsed, so no parser or writer ever walks
// a tree deeper than the limit.
std::optional<Problem> jsonNestingProblem(std::string_view line);

// A cell that must hold a JSON object (the attributes, consents and
// properties columns): false and `why` (the value and what is wrong) when
// it is not one, or nests too deeply.
bool parseJsonObjectCell(std::string_view text, nlohmann::json& out, std::string& why);

// A CSV row with the wrong number of fields, pointing at the first missing
// or the first extra one.
Problem columnCountProblem(size_t fields, size_t columns, const std::vector<std::string>& headers);

// The 1-based character column of "key" in a JSON line, searching from byte
// `from`; 1 when not found. Sets `at` to the byte offset found.
int keyColumn(std::string_view line, std::string_view key, size_t from = 0, size_t* at = nullptr);

}  // namespace herald::import
