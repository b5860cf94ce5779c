#pragma once
// The filter functions, one family per file (text.cpp, numbers.cpp,
// arrays.cpp, date.cpp, locale.cpp, web.cpp), registered in registry.cpp.
// Semantics follow Shopify's liquid gem 5.4 (standardfilters.rb) unless
// docs/templates.md lists a difference.
#include <span>
#include <string>
#include <string_view>

#include "template/filters.hpp"

namespace herald::tmpl::filters {

using Args = std::span<const Value>;

// The argument `i`, or nil when it was not given.
inline const Value& arg(Args args, size_t i) {
  static const Value kNil;
  return i < args.size() ? args[i] : kNil;
}

// Sets env.error to "NAME: MESSAGE" and returns nil.
Value fail(FilterEnv& env, std::string_view name, std::string_view message);

// For filters that build as they go: true, with env.over_memory set, once
// what they built (`bytes`) is more than the render has room for.
inline bool overRoom(FilterEnv& env, size_t bytes) {
  if (bytes <= env.room) return false;
  env.over_memory = true;
  return true;
}

// Ruby's to_s as a string filter sees its input: like Value::appendTo,
// except that an array is written as Ruby inspects it ([1, "a", nil]), as
// `"x" | append: list` does in the gem. (Output of an array, and `join`,
// concatenate the items instead.)
void appendS(const Value& v, std::string& out);
std::string toS(const Value& v);

// The input as text without a copy when it is a string already (toS
// otherwise): `view` is valid while both the Str and the input live.
struct Str {
  std::string storage;
  std::string_view view;
  explicit Str(const Value& v) {
    if (v.isString()) {
      view = v.string();
    } else {
      appendS(v, storage);
      view = storage;
    }
  }
};

// UTF-8 helpers (text.cpp): code point count, and the byte offset of code
// point `n` (s.size() when past the end).
size_t utf8Length(std::string_view s);
size_t utf8Offset(std::string_view s, size_t n);

// Ruby's Integer(x.to_s) (slice's and truncate's arguments): false when
// `v` is not an integer.
bool toStrictInteger(const Value& v, int64_t& out);

#define HERALD_FILTER(fn) Value fn(const Value& in, Args args, FilterEnv& env)

// text.cpp
HERALD_FILTER(fDefault);
HERALD_FILTER(fUpcase);
HERALD_FILTER(fDowncase);
HERALD_FILTER(fCapitalize);
HERALD_FILTER(fStrip);
HERALD_FILTER(fLstrip);
HERALD_FILTER(fRstrip);
HERALD_FILTER(fStripNewlines);
HERALD_FILTER(fTruncate);
HERALD_FILTER(fTruncatewords);
HERALD_FILTER(fReplace);
HERALD_FILTER(fReplaceFirst);
HERALD_FILTER(fReplaceLast);
HERALD_FILTER(fRemove);
HERALD_FILTER(fRemoveFirst);
HERALD_FILTER(fRemoveLast);
HERALD_FILTER(fAppend);
HERALD_FILTER(fPrepend);
HERALD_FILTER(fSplit);
HERALD_FILTER(fSlice);
HERALD_FILTER(fRaw);

// numbers.cpp
HERALD_FILTER(fPlus);
HERALD_FILTER(fMinus);
HERALD_FILTER(fTimes);
HERALD_FILTER(fDividedBy);
HERALD_FILTER(fModulo);
HERALD_FILTER(fRound);
HERALD_FILTER(fCeil);
HERALD_FILTER(fFloor);
HERALD_FILTER(fAbs);
HERALD_FILTER(fAtLeast);
HERALD_FILTER(fAtMost);

// arrays.cpp
HERALD_FILTER(fSize);
HERALD_FILTER(fFirst);
HERALD_FILTER(fLast);
HERALD_FILTER(fJoin);
HERALD_FILTER(fSort);
HERALD_FILTER(fSortNatural);
HERALD_FILTER(fUniq);
HERALD_FILTER(fReverse);
HERALD_FILTER(fCompact);
HERALD_FILTER(fMap);
HERALD_FILTER(fWhere);
HERALD_FILTER(fConcat);

// date.cpp
HERALD_FILTER(fDate);

// locale.cpp
HERALD_FILTER(fMoney);
HERALD_FILTER(fNumber);

// web.cpp
HERALD_FILTER(fEscape);
HERALD_FILTER(fEscapeOnce);
HERALD_FILTER(fUrlEncode);
HERALD_FILTER(fUrlDecode);
HERALD_FILTER(fStripHtml);
HERALD_FILTER(fNewlineToBr);
HERALD_FILTER(fJson);

#undef HERALD_FILTER

}  // namespace herald::tmpl::filters
