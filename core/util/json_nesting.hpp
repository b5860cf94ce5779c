#pragma once
// How deeply the JSON that users hand Herald (import rows, attribute and
// property cells, later API bodies) may nest arrays and objects, checked on
// the text before any parser builds or writes a tree.
//
// Why a limit at all: a value nested tens of thousands of levels deep
// overflows the stack of any recursive JSON writer, and one nested more than
// 1000 levels is stored fine but then makes every SQLite JSON function that
// reads it fail ("malformed JSON"), so one row would break every segment on
// attributes. 64 levels is far beyond real data (CRM and shop exports nest a
// handful of levels) and far inside SQLite's 1000, with room for the levels
// Herald adds around a value (the attributes object, an event's properties).
#include <cstddef>
#include <string_view>

namespace herald {

inline constexpr int kMaxJsonNesting = 64;

// The byte offset of the first '[' or '{' (outside strings) that opens a
// level deeper than `limit`; npos when the text nests no deeper. One pass,
// no recursion, no allocation; the text need not be valid JSON (the parser
// that runs afterwards reports syntax).
size_t findJsonTooDeep(std::string_view text, int limit = kMaxJsonNesting);

// "nested more than 64 levels deep (...)", to follow what is too deep.
std::string_view jsonTooDeepMessage();

}  // namespace herald
