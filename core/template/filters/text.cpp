// String filters: default, case, whitespace, truncation, replace/remove,
// append/prepend, split, slice. Lengths count characters (UTF-8 code
// points), as Ruby's do.
#include <unicode/ucasemap.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <memory>

#include "template/filters/builtins.hpp"

namespace herald::tmpl::filters {
namespace {

bool isRubySpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == '\0';
}

bool isAscii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

enum class Case { kUpper, kLower };

std::string mapCase(std::string_view s, Case which) {
  std::string out(s);
  if (isAscii(s)) {
    for (char& c : out) {
      if (which == Case::kUpper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
      if (which == Case::kLower && c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    return out;
  }
  struct Closer {
    void operator()(UCaseMap* m) const { ucasemap_close(m); }
  };
  thread_local std::unique_ptr<UCaseMap, Closer> map = [] {
    UErrorCode status = U_ZERO_ERROR;
    return std::unique_ptr<UCaseMap, Closer>(ucasemap_open("", 0, &status));
  }();
  if (!map) return out;
  out.resize(s.size() * 3 + 8);
  const auto fn = which == Case::kUpper ? ucasemap_utf8ToUpper : ucasemap_utf8ToLower;
  UErrorCode status = U_ZERO_ERROR;
  int32_t n = fn(map.get(), out.data(), static_cast<int32_t>(out.size()), s.data(),
                 static_cast<int32_t>(s.size()), &status);
  if (status == U_BUFFER_OVERFLOW_ERROR) {  // a mapping that grows more than 3x
    out.resize(static_cast<size_t>(n));
    status = U_ZERO_ERROR;
    n = fn(map.get(), out.data(), static_cast<int32_t>(out.size()), s.data(),
           static_cast<int32_t>(s.size()), &status);
  }
  if (U_FAILURE(status)) return std::string(s);
  out.resize(static_cast<size_t>(n));
  return out;
}

// Ruby's Integer("..."): optional blanks and sign, digits with single
// underscores between them.
bool parseStrictInteger(std::string_view s, int64_t& out) {
  while (!s.empty() && isRubySpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isRubySpace(s.back())) s.remove_suffix(1);
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || s.front() < '0' || s.front() > '9' || s.back() == '_') return false;
  int64_t v = 0;
  char prev = 0;
  for (char c : s) {
    if (c == '_') {
      if (prev == '_') return false;
    } else if (c >= '0' && c <= '9') {
      if (v > (INT64_MAX - (c - '0')) / 10) return false;
      v = v * 10 + (c - '0');
    } else {
      return false;
    }
    prev = c;
  }
  out = negative ? -v : v;
  return true;
}

Value replaceImpl(const Value& in, const Value& search, const Value& replacement, int which,
                  FilterEnv& env) {
  // which: 0 all, 1 first, 2 last
  Str s(in), pat(search), rep(replacement);
  std::string out;
  if (pat.view.empty()) {
    if (which == 1) return Value::owned(std::string(rep.view) + std::string(s.view));
    if (which == 2) return Value::owned(std::string(s.view) + std::string(rep.view));
    // Every character gets a copy of the replacement: check before building.
    if (overRoom(env, utf8Length(s.view) * rep.view.size() + s.view.size())) return {};
    out.reserve(s.view.size() * (rep.view.size() + 1) + rep.view.size());
    out += rep.view;
    size_t i = 0;
    while (i < s.view.size()) {
      const size_t next = utf8Offset(s.view.substr(i), 1);
      out += s.view.substr(i, next);
      out += rep.view;
      i += next;
    }
    return Value::owned(std::move(out));
  }
  if (which == 2) {
    const size_t at = s.view.rfind(pat.view);
    if (at == std::string_view::npos) return Value::owned(std::string(s.view));
    out.assign(s.view.substr(0, at));
    out += rep.view;
    out += s.view.substr(at + pat.view.size());
    return Value::owned(std::move(out));
  }
  size_t from = 0;
  for (;;) {
    const size_t at = s.view.find(pat.view, from);
    if (at == std::string_view::npos) break;
    out += s.view.substr(from, at - from);
    out += rep.view;
    if (overRoom(env, out.size())) return {};
    from = at + pat.view.size();
    if (which == 1) break;
  }
  out += s.view.substr(from);
  return Value::owned(std::move(out));
}

}  // namespace

size_t utf8Length(std::string_view s) {
  size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

size_t utf8Offset(std::string_view s, size_t n) {
  size_t i = 0;
  while (i < s.size() && n > 0) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    --n;
  }
  return i;
}

bool toStrictInteger(const Value& v, int64_t& out) {
  if (v.isInt()) {
    out = v.asInt();
    return true;
  }
  Str s(v);
  return parseStrictInteger(s.view, out);
}

Value fDefault(const Value& in, Args args, FilterEnv&) {
  const bool allow_false = arg(args, 1).truthy();
  const bool missing = allow_false ? in.isNil() : !in.truthy();
  if (missing || in.empty()) return args.empty() ? Value::borrowed("") : args[0];
  return in;
}

Value fUpcase(const Value& in, Args, FilterEnv&) {
  return Value::owned(mapCase(Str(in).view, Case::kUpper));
}

Value fDowncase(const Value& in, Args, FilterEnv&) {
  return Value::owned(mapCase(Str(in).view, Case::kLower));
}

Value fCapitalize(const Value& in, Args, FilterEnv&) {
  Str s(in);
  if (s.view.empty()) return Value::borrowed("");
  const size_t first_len = utf8Offset(s.view, 1);
  std::string out;
  if (first_len == 1) {
    char c = s.view[0];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    out += c;
  } else {
    int32_t i = 0;
    UChar32 cp = 0;
    U8_NEXT(s.view.data(), i, static_cast<int32_t>(s.view.size()), cp);
    if (cp < 0) {
      out.append(s.view.substr(0, first_len));
    } else {
      const UChar32 title = u_totitle(cp);
      char buf[4];
      int32_t len = 0;
      UBool error = false;
      U8_APPEND(reinterpret_cast<uint8_t*>(buf), len, 4, title, error);
      if (error) len = 0;
      out.append(buf, static_cast<size_t>(len));
    }
  }
  out += mapCase(s.view.substr(first_len), Case::kLower);
  return Value::owned(std::move(out));
}

Value fStrip(const Value& in, Args, FilterEnv&) {
  Str s(in);
  std::string_view v = s.view;
  while (!v.empty() && isRubySpace(v.front())) v.remove_prefix(1);
  while (!v.empty() && isRubySpace(v.back())) v.remove_suffix(1);
  return Value::owned(std::string(v));
}

Value fLstrip(const Value& in, Args, FilterEnv&) {
  Str s(in);
  std::string_view v = s.view;
  while (!v.empty() && isRubySpace(v.front())) v.remove_prefix(1);
  return Value::owned(std::string(v));
}

Value fRstrip(const Value& in, Args, FilterEnv&) {
  Str s(in);
  std::string_view v = s.view;
  while (!v.empty() && isRubySpace(v.back())) v.remove_suffix(1);
  return Value::owned(std::string(v));
}

Value fStripNewlines(const Value& in, Args, FilterEnv&) {
  Str s(in);
  std::string out;
  out.reserve(s.view.size());
  for (size_t i = 0; i < s.view.size(); ++i) {
    if (s.view[i] == '\n') continue;
    if (s.view[i] == '\r' && i + 1 < s.view.size() && s.view[i + 1] == '\n') continue;
    out += s.view[i];
  }
  return Value::owned(std::move(out));
}

Value fTruncate(const Value& in, Args args, FilterEnv& env) {
  if (in.isNil()) return {};
  int64_t length = 50;
  if (!args.empty() && !toStrictInteger(args[0], length))
    return fail(env, "truncate", "the length must be an integer, got \"" + toS(args[0]) + "\"");
  Str s(in);
  const std::string ellipsis = args.size() > 1 ? toS(args[1]) : "...";
  const auto chars = static_cast<int64_t>(utf8Length(s.view));
  if (chars <= length) return in.isString() ? in : Value::owned(std::string(s.view));
  int64_t keep = length - static_cast<int64_t>(utf8Length(ellipsis));
  if (keep < 0) keep = 0;
  std::string out(s.view.substr(0, utf8Offset(s.view, static_cast<size_t>(keep))));
  out += ellipsis;
  return Value::owned(std::move(out));
}

Value fTruncatewords(const Value& in, Args args, FilterEnv& env) {
  if (in.isNil()) return {};
  int64_t words = 15;
  if (!args.empty() && !toStrictInteger(args[0], words))
    return fail(env, "truncatewords",
                "the word count must be an integer, got \"" + toS(args[0]) + "\"");
  if (words <= 0) words = 1;
  Str s(in);
  const std::string_view v = s.view;
  // Ruby's input.split(" ", words + 1): with a limit, anything after the
  // last allowed word, even whitespace alone, is one more item, so
  // "one two " has 3 items for truncatewords: 2.
  std::string out;
  size_t i = 0;
  int64_t taken = 0;
  while (true) {
    while (i < v.size() && isRubySpace(v[i]) && v[i] != '\0') ++i;
    if (i >= v.size()) break;
    const size_t start = i;
    while (i < v.size() && !(isRubySpace(v[i]) && v[i] != '\0')) ++i;
    if (taken > 0) out += ' ';
    out += v.substr(start, i - start);
    ++taken;
    if (taken == words) {
      if (i >= v.size()) break;
      out += args.size() > 1 ? toS(args[1]) : "...";
      return Value::owned(std::move(out));
    }
  }
  return in.isString() ? in : Value::owned(std::string(v));
}

Value fReplace(const Value& in, Args args, FilterEnv& env) {
  return replaceImpl(in, args[0], arg(args, 1), 0, env);
}
Value fReplaceFirst(const Value& in, Args args, FilterEnv& env) {
  return replaceImpl(in, args[0], arg(args, 1), 1, env);
}
Value fReplaceLast(const Value& in, Args args, FilterEnv& env) {
  return replaceImpl(in, args[0], arg(args, 1), 2, env);
}
Value fRemove(const Value& in, Args args, FilterEnv& env) {
  return replaceImpl(in, args[0], Value(), 0, env);
}
Value fRemoveFirst(const Value& in, Args args, FilterEnv& env) {
  return replaceImpl(in, args[0], Value(), 1, env);
}
Value fRemoveLast(const Value& in, Args args, FilterEnv& env) {
  return replaceImpl(in, args[0], Value(), 2, env);
}

Value fAppend(const Value& in, Args args, FilterEnv&) {
  std::string out = toS(in);
  appendS(args[0], out);
  return Value::owned(std::move(out));
}

Value fPrepend(const Value& in, Args args, FilterEnv&) {
  std::string out = toS(args[0]);
  appendS(in, out);
  return Value::owned(std::move(out));
}

Value fSplit(const Value& in, Args args, FilterEnv& env) {
  Str s(in), sep(args[0]);
  const std::string_view v = s.view;
  std::vector<Value> parts;
  if (v.empty()) return Value::array({});
  // Each part costs a Value besides its text (splitting on "" makes one per
  // character), so a string well inside the memory limit can split into an
  // array far past it: count as the parts are made. `end`: bytes read.
  auto add = [&](std::string_view part, size_t end) {
    parts.push_back(Value::owned(std::string(part)));
    return !overRoom(env, parts.size() * sizeof(Value) + end);
  };
  if (sep.view == " ") {  // Ruby's awk mode: runs of whitespace, leading ones ignored
    size_t i = 0;
    while (i < v.size()) {
      while (i < v.size() && isRubySpace(v[i]) && v[i] != '\0') ++i;
      if (i >= v.size()) break;
      const size_t start = i;
      while (i < v.size() && !(isRubySpace(v[i]) && v[i] != '\0')) ++i;
      if (!add(v.substr(start, i - start), i)) return {};
    }
    return Value::array(std::move(parts));
  }
  if (sep.view.empty()) {
    for (size_t i = 0; i < v.size();) {
      const size_t n = utf8Offset(v.substr(i), 1);
      if (!add(v.substr(i, n), i + n)) return {};
      i += n;
    }
    return Value::array(std::move(parts));
  }
  size_t from = 0;
  for (;;) {
    const size_t at = v.find(sep.view, from);
    if (at == std::string_view::npos) {
      if (!add(v.substr(from), v.size())) return {};
      break;
    }
    if (!add(v.substr(from, at - from), at)) return {};
    from = at + sep.view.size();
  }
  while (!parts.empty() && parts.back().string().empty()) parts.pop_back();
  return Value::array(std::move(parts));
}

Value fSlice(const Value& in, Args args, FilterEnv& env) {
  int64_t offset = 0, length = 1;
  if (!toStrictInteger(args[0], offset))
    return fail(env, "slice", "the offset must be an integer, got \"" + toS(args[0]) + "\"");
  if (args.size() > 1 && !toStrictInteger(args[1], length))
    return fail(env, "slice", "the length must be an integer, got \"" + toS(args[1]) + "\"");
  if (in.isArray()) {
    const auto n = static_cast<int64_t>(in.size());
    if (offset < 0) offset += n;
    if (offset < 0 || offset > n || length < 0) return Value::array({});
    std::vector<Value> out;
    for (int64_t i = offset; i < n && i < offset + length; ++i) out.push_back(in.at(i));
    return Value::array(std::move(out));
  }
  Str s(in);
  const auto n = static_cast<int64_t>(utf8Length(s.view));
  if (offset < 0) offset += n;
  if (offset < 0 || offset > n || length < 0) return Value::borrowed("");
  const size_t begin = utf8Offset(s.view, static_cast<size_t>(offset));
  const size_t end =
      begin + utf8Offset(s.view.substr(begin), static_cast<size_t>(std::min(length, n - offset)));
  return Value::owned(std::string(s.view.substr(begin, end - begin)));
}

}  // namespace herald::tmpl::filters
