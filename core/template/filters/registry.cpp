// The filter table: names, argument counts and usage, in the order
// docs/templates.md lists them.
#include <algorithm>
#include <array>

#include "template/filters/builtins.hpp"

namespace herald::tmpl {
namespace {

using namespace filters;

constexpr FilterSpec kFilters[] = {
    // text
    {"default", 0, 2, fDefault, "default: VALUE[, allow_false: true]"},
    {"upcase", 0, 0, fUpcase, "upcase"},
    {"downcase", 0, 0, fDowncase, "downcase"},
    {"capitalize", 0, 0, fCapitalize, "capitalize"},
    {"strip", 0, 0, fStrip, "strip"},
    {"lstrip", 0, 0, fLstrip, "lstrip"},
    {"rstrip", 0, 0, fRstrip, "rstrip"},
    {"strip_newlines", 0, 0, fStripNewlines, "strip_newlines"},
    {"truncate", 0, 2, fTruncate, "truncate: LENGTH[, ELLIPSIS]"},
    {"truncatewords", 0, 2, fTruncatewords, "truncatewords: WORDS[, ELLIPSIS]"},
    {"replace", 1, 2, fReplace, "replace: SEARCH[, REPLACEMENT]"},
    {"replace_first", 1, 2, fReplaceFirst, "replace_first: SEARCH[, REPLACEMENT]"},
    {"replace_last", 2, 2, fReplaceLast, "replace_last: SEARCH, REPLACEMENT"},
    {"remove", 1, 1, fRemove, "remove: SEARCH"},
    {"remove_first", 1, 1, fRemoveFirst, "remove_first: SEARCH"},
    {"remove_last", 1, 1, fRemoveLast, "remove_last: SEARCH"},
    {"append", 1, 1, fAppend, "append: TEXT"},
    {"prepend", 1, 1, fPrepend, "prepend: TEXT"},
    {"split", 1, 1, fSplit, "split: SEPARATOR"},
    {"slice", 1, 2, fSlice, "slice: OFFSET[, LENGTH]"},
    // math
    {"plus", 1, 1, fPlus, "plus: NUMBER"},
    {"minus", 1, 1, fMinus, "minus: NUMBER"},
    {"times", 1, 1, fTimes, "times: NUMBER"},
    {"divided_by", 1, 1, fDividedBy, "divided_by: NUMBER"},
    {"modulo", 1, 1, fModulo, "modulo: NUMBER"},
    {"round", 0, 1, fRound, "round[: DECIMALS]"},
    {"ceil", 0, 0, fCeil, "ceil"},
    {"floor", 0, 0, fFloor, "floor"},
    {"abs", 0, 0, fAbs, "abs"},
    {"at_least", 1, 1, fAtLeast, "at_least: NUMBER"},
    {"at_most", 1, 1, fAtMost, "at_most: NUMBER"},
    // money, numbers and dates
    {"money", 0, 1, fMoney, "money[: CURRENCY (ISO 4217, e.g. \"EUR\")]"},
    {"number", 0, 1, fNumber, "number[: DECIMALS]"},
    {"date", 1, 1, fDate, "date: FORMAT (strftime, e.g. \"%b %d, %Y\")"},
    // arrays
    {"size", 0, 0, fSize, "size"},
    {"first", 0, 0, fFirst, "first"},
    {"last", 0, 0, fLast, "last"},
    {"join", 0, 1, fJoin, "join[: SEPARATOR]"},
    {"map", 1, 1, fMap, "map: PROPERTY"},
    {"where", 1, 2, fWhere, "where: PROPERTY[, VALUE]"},
    {"sort", 0, 1, fSort, "sort[: PROPERTY]"},
    {"sort_natural", 0, 1, fSortNatural, "sort_natural[: PROPERTY]"},
    {"uniq", 0, 1, fUniq, "uniq[: PROPERTY]"},
    {"reverse", 0, 0, fReverse, "reverse"},
    {"compact", 0, 1, fCompact, "compact[: PROPERTY]"},
    {"concat", 1, 1, fConcat, "concat: ARRAY"},
    // web
    {"escape", 0, 0, fEscape, "escape"},
    {"escape_once", 0, 0, fEscapeOnce, "escape_once"},
    {"url_encode", 0, 0, fUrlEncode, "url_encode"},
    {"url_decode", 0, 0, fUrlDecode, "url_decode"},
    {"strip_html", 0, 0, fStripHtml, "strip_html"},
    {"newline_to_br", 0, 0, fNewlineToBr, "newline_to_br"},
    {"json", 0, 0, fJson, "json"},
    {"raw", 0, 0, fRaw, "raw"},
};

// Indexes of kFilters sorted by name, for binary search.
struct ByName {
  std::array<uint8_t, std::size(kFilters)> index{};
  ByName() {
    for (size_t i = 0; i < index.size(); ++i) index[i] = static_cast<uint8_t>(i);
    std::sort(index.begin(), index.end(),
              [](uint8_t a, uint8_t b) { return kFilters[a].name < kFilters[b].name; });
  }
};

}  // namespace

const FilterSpec* findFilter(std::string_view name) {
  static const ByName by_name;
  auto it = std::lower_bound(by_name.index.begin(), by_name.index.end(), name,
                             [](uint8_t i, std::string_view n) { return kFilters[i].name < n; });
  if (it == by_name.index.end() || kFilters[*it].name != name) return nullptr;
  return &kFilters[*it];
}

std::span<const FilterSpec> allFilters() { return kFilters; }

namespace filters {

Value fail(FilterEnv& env, std::string_view name, std::string_view message) {
  env.error.assign(name);
  env.error += ": ";
  env.error += message;
  return {};
}

Value fRaw(const Value& in, Args, FilterEnv&) { return in; }

namespace {

void inspectInto(const Value& v, std::string& out) {
  if (v.isString()) {
    out += '"';
    for (char c : v.string()) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\r':
          out += "\\r";
          break;
        default:
          out += c;
      }
    }
    out += '"';
  } else if (v.isNil()) {
    out += "nil";
  } else {
    appendS(v, out);
  }
}

}  // namespace

void appendS(const Value& v, std::string& out) {
  if (!v.isArray()) {
    v.appendTo(out);
    return;
  }
  out += '[';
  const auto n = static_cast<int64_t>(v.size());
  for (int64_t i = 0; i < n; ++i) {
    if (i > 0) out += ", ";
    inspectInto(v.at(i), out);
  }
  out += ']';
}

std::string toS(const Value& v) {
  std::string out;
  appendS(v, out);
  return out;
}

}  // namespace filters
}  // namespace herald::tmpl
