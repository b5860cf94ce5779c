// The date filter: Ruby's Time#strftime (flags - _ 0 ^ #, widths, %:z), in
// the render's time zone, with month and day names in the render's locale
// (date_names.hpp: English, as Shopify, unless the locale is another language). Inputs:
// "now"/"today", Unix seconds (a number or a string of digits), ISO 8601 dates and date-times
// (2024-03-05, 2024-03-05 10:20, 2024-03-05T10:20:30.5Z, ...+02:00). A date-time with no offset is
// a wall time in the render's zone; one with an offset is that instant, shown in the render's zone.
#include <date/iso_week.h>

#include <array>
#include <cmath>
#include <functional>

#include "template/filters/builtins.hpp"
#include "template/filters/date_names.hpp"
#include "util/time_zone.hpp"

namespace herald::tmpl::filters {
namespace {

using std::chrono::milliseconds;
using SysMs = date::sys_time<milliseconds>;

constexpr std::string_view kValidInputs =
    "valid: \"now\", \"today\", Unix seconds, or an ISO 8601 date such as 2024-03-05 or "
    "2024-03-05T10:20:30Z";

bool digitsAt(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t k = 0; k < n; ++k) {
    const char c = s[pos + k];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

// ISO 8601 (and its space-separated variant). Sets `local` and, when the
// text has an offset, `offset_min`.
bool parseIso(std::string_view s, date::local_time<milliseconds>& local, bool& has_offset,
              int& offset_min) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
  if (!digitsAt(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digitsAt(s, 5, 2, mo) ||
      s[7] != '-' || !digitsAt(s, 8, 2, d))
    return false;
  size_t i = 10;
  has_offset = false;
  offset_min = 0;
  if (i < s.size() && (s[i] == 'T' || s[i] == ' ') && i + 1 < s.size() && s[i + 1] >= '0' &&
      s[i + 1] <= '9') {
    ++i;
    if (!digitsAt(s, i, 2, h) || i + 2 >= s.size() || s[i + 2] != ':' || !digitsAt(s, i + 3, 2, mi))
      return false;
    i += 5;
    if (i < s.size() && s[i] == ':') {
      if (!digitsAt(s, i + 1, 2, sec)) return false;
      i += 3;
      if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        ++i;
        int scale = 100, count = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
          ms += (s[i] - '0') * scale;
          scale /= 10;
          ++i;
          ++count;
        }
        if (count == 0) return false;
      }
    }
    if (i < s.size() && s[i] == ' ') ++i;
    if (i < s.size()) {
      if (s[i] == 'Z' || s.substr(i) == "UTC") {
        has_offset = true;
        i = s[i] == 'Z' ? i + 1 : s.size();
      } else if (s[i] == '+' || s[i] == '-') {
        const int sign = s[i] == '-' ? -1 : 1;
        int oh = 0, om = 0;
        if (!digitsAt(s, i + 1, 2, oh)) return false;
        i += 3;
        if (i < s.size() && s[i] == ':') ++i;
        if (i < s.size()) {
          if (!digitsAt(s, i, 2, om)) return false;
          i += 2;
        }
        has_offset = true;
        offset_min = sign * (oh * 60 + om);
      }
    }
  }
  if (i != s.size()) return false;
  const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                                 date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return false;
  local = date::local_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} +
          std::chrono::seconds{sec} + milliseconds{ms};
  return true;
}

struct Broken {
  SysMs instant;
  date::local_time<milliseconds> local;
  date::year_month_day ymd;
  unsigned wday = 0;  // Sunday 0
  int yday = 1;       // 1..366
  int hour = 0, minute = 0, second = 0, millis = 0;
  std::chrono::seconds offset{0};
  std::string abbrev;
  const DateNames* names = nullptr;  // the render's locale
};

Broken breakDown(SysMs t, const date::time_zone& zone, const DateNames& names) {
  Broken b;
  b.names = &names;
  b.instant = t;
  const auto info = zone.get_info(date::floor<std::chrono::seconds>(t));
  b.offset = info.offset;
  b.abbrev = info.abbrev;
  b.local = date::local_time<milliseconds>{t.time_since_epoch() + info.offset};
  const auto days = date::floor<date::days>(b.local);
  b.ymd = date::year_month_day{days};
  b.wday = date::weekday{days}.c_encoding();
  b.yday = (days - date::local_days{b.ymd.year() / 1 / 1}).count() + 1;
  const auto ms = (b.local - days).count();
  b.hour = static_cast<int>(ms / 3'600'000);
  b.minute = static_cast<int>(ms / 60'000 % 60);
  b.second = static_cast<int>(ms / 1000 % 60);
  b.millis = static_cast<int>(ms % 1000);
  return b;
}

struct Spec {
  bool no_pad = false, space_pad = false, zero_pad = false, upper = false, swap = false;
  int width = -1;
  int colons = 0;
};

void appendPadded(std::string& out, const std::string& text, const Spec& spec, int def_width,
                  char def_pad) {
  if (spec.no_pad) {
    out += text;
    return;
  }
  const int width = spec.width >= 0 ? spec.width : def_width;
  char pad = def_pad;
  if (spec.space_pad) pad = ' ';
  if (spec.zero_pad) pad = '0';
  const int missing = width - static_cast<int>(text.size());
  if (missing > 0) {
    if (pad == '0' && !text.empty() && text[0] == '-') {
      out += '-';
      out.append(static_cast<size_t>(missing), '0');
      out.append(text, 1);
      return;
    }
    out.append(static_cast<size_t>(missing), pad);
  }
  out += text;
}

void appendNumber(std::string& out, int64_t v, const Spec& spec, int def_width, char def_pad) {
  appendPadded(out, std::to_string(v), spec, def_width, def_pad);
}

void appendText(std::string& out, std::string text, const Spec& spec) {
  if (spec.upper) {
    for (char& c : text)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  } else if (spec.swap) {
    for (char& c : text) {
      if (c >= 'a' && c <= 'z')
        c = static_cast<char>(c - 32);
      else if (c >= 'A' && c <= 'Z')
        c = static_cast<char>(c + 32);
    }
  }
  appendPadded(out, text, spec, 0, ' ');
}

void strftime(std::string_view fmt, const Broken& b, std::string& out);

// One conversion; false when `c` is not one (the text is then copied).
bool convert(char c, const Spec& spec, const Broken& b, std::string& out) {
  const int year = static_cast<int>(b.ymd.year());
  const unsigned month = static_cast<unsigned>(b.ymd.month());
  const unsigned day = static_cast<unsigned>(b.ymd.day());
  const int hour12 = b.hour % 12 == 0 ? 12 : b.hour % 12;
  auto sub = [&](std::string_view f) {
    std::string tmp;
    strftime(f, b, tmp);
    appendText(out, tmp, spec);
  };
  switch (c) {
    case 'Y':
      appendNumber(out, year, spec, year < 0 ? 5 : 4, '0');
      return true;
    case 'C':
      appendNumber(out, static_cast<int64_t>(std::floor(year / 100.0)), spec, 2, '0');
      return true;
    case 'y':
      appendNumber(out, ((year % 100) + 100) % 100, spec, 2, '0');
      return true;
    case 'm':
      appendNumber(out, month, spec, 2, '0');
      return true;
    case 'd':
      appendNumber(out, day, spec, 2, '0');
      return true;
    case 'e':
      appendNumber(out, day, spec, 2, ' ');
      return true;
    case 'j':
      appendNumber(out, b.yday, spec, 3, '0');
      return true;
    case 'H':
      appendNumber(out, b.hour, spec, 2, '0');
      return true;
    case 'k':
      appendNumber(out, b.hour, spec, 2, ' ');
      return true;
    case 'I':
      appendNumber(out, hour12, spec, 2, '0');
      return true;
    case 'l':
      appendNumber(out, hour12, spec, 2, ' ');
      return true;
    case 'M':
      appendNumber(out, b.minute, spec, 2, '0');
      return true;
    case 'S':
      appendNumber(out, b.second, spec, 2, '0');
      return true;
    case 'L':
    case 'N': {
      // Fractions: the width is the number of digits (default 3 or 9).
      const int digits = spec.width > 0 ? spec.width : (c == 'L' ? 3 : 9);
      std::string frac = std::to_string(b.millis);
      frac.insert(0, 3 - frac.size(), '0');
      if (digits <= 3)
        frac.resize(static_cast<size_t>(digits));
      else
        frac.append(static_cast<size_t>(digits - 3), '0');
      out += frac;
      return true;
    }
    case 'p': {
      Spec s = spec;
      if (spec.swap) {  // %#p is lower case
        s.swap = false;
        appendText(out, b.hour < 12 ? b.names->am_lower : b.names->pm_lower, s);
      } else {
        appendText(out, b.hour < 12 ? b.names->am : b.names->pm, s);
      }
      return true;
    }
    case 'P':
      appendText(out, b.hour < 12 ? b.names->am_lower : b.names->pm_lower, spec);
      return true;
    case 'A':
      appendText(out, b.names->days[b.wday], spec);
      return true;
    case 'a':
      appendText(out, b.names->short_days[b.wday], spec);
      return true;
    case 'B':
      appendText(out, b.names->months[month - 1], spec);
      return true;
    case 'b':
    case 'h':
      appendText(out, b.names->short_months[month - 1], spec);
      return true;
    case 'u':
      appendNumber(out, b.wday == 0 ? 7 : b.wday, spec, 1, '0');
      return true;
    case 'w':
      appendNumber(out, b.wday, spec, 1, '0');
      return true;
    case 'U':
      appendNumber(out, (b.yday - 1 + 7 - static_cast<int>(b.wday)) / 7, spec, 2, '0');
      return true;
    case 'W':
      appendNumber(out, (b.yday - 1 + 7 - static_cast<int>((b.wday + 6) % 7)) / 7, spec, 2, '0');
      return true;
    case 'V':
    case 'G':
    case 'g': {
      const iso_week::year_weeknum_weekday iso{
          date::sys_days{date::floor<date::days>(b.local).time_since_epoch()}};
      const int iso_year = static_cast<int>(iso.year());
      if (c == 'V')
        appendNumber(out, static_cast<unsigned>(iso.weeknum()), spec, 2, '0');
      else if (c == 'G')
        appendNumber(out, iso_year, spec, 4, '0');
      else
        appendNumber(out, ((iso_year % 100) + 100) % 100, spec, 2, '0');
      return true;
    }
    case 's':
      appendNumber(out, date::floor<std::chrono::seconds>(b.instant).time_since_epoch().count(),
                   spec, 1, '0');
      return true;
    case 'z': {
      const auto total = b.offset.count();
      const auto mag = total < 0 ? -total : total;
      char buf[32];
      const auto hh = static_cast<int>(mag / 3600), mm = static_cast<int>(mag / 60 % 60),
                 ss = static_cast<int>(mag % 60);
      const char sign = total < 0 ? '-' : '+';
      if (spec.colons == 0)
        std::snprintf(buf, sizeof buf, "%c%02d%02d", sign, hh, mm);
      else if (spec.colons == 1)
        std::snprintf(buf, sizeof buf, "%c%02d:%02d", sign, hh, mm);
      else
        std::snprintf(buf, sizeof buf, "%c%02d:%02d:%02d", sign, hh, mm, ss);
      out += buf;
      return true;
    }
    case 'Z':
      appendText(out, b.abbrev, spec);
      return true;
    case 'c':
      sub("%a %b %e %H:%M:%S %Y");
      return true;
    case 'x':
    case 'D':
      sub("%m/%d/%y");
      return true;
    case 'X':
    case 'T':
      sub("%H:%M:%S");
      return true;
    case 'F':
      sub("%Y-%m-%d");
      return true;
    case 'R':
      sub("%H:%M");
      return true;
    case 'r':
      sub("%I:%M:%S %p");
      return true;
    case 'v':
      sub("%e-%^b-%4Y");
      return true;
    case 'n':
      out += '\n';
      return true;
    case 't':
      out += '\t';
      return true;
    case '%':
      out += '%';
      return true;
    default:
      return false;
  }
}

void strftime(std::string_view fmt, const Broken& b, std::string& out) {
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') {
      out += fmt[i];
      continue;
    }
    const size_t start = i++;
    Spec spec;
    for (; i < fmt.size(); ++i) {
      const char f = fmt[i];
      if (f == '-')
        spec.no_pad = true;
      else if (f == '_')
        spec.space_pad = true;
      else if (f == '0')
        spec.zero_pad = true;
      else if (f == '^')
        spec.upper = true;
      else if (f == '#')
        spec.swap = true;
      else
        break;
    }
    if (i < fmt.size() && fmt[i] >= '1' && fmt[i] <= '9') {
      spec.width = 0;
      while (i < fmt.size() && fmt[i] >= '0' && fmt[i] <= '9' && spec.width < 1000)
        spec.width = spec.width * 10 + (fmt[i++] - '0');
    }
    while (i < fmt.size() && fmt[i] == ':' && spec.colons < 3) {
      ++spec.colons;
      ++i;
    }
    if (i >= fmt.size() || (spec.colons > 0 && fmt[i] != 'z') || !convert(fmt[i], spec, b, out)) {
      const size_t end = i < fmt.size() ? i + 1 : fmt.size();
      out += fmt.substr(start, end - start);
      i = end - 1;
    }
  }
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

}  // namespace

Value fDate(const Value& in, Args args, FilterEnv& env) {
  const std::string format = toS(args[0]);
  if (in.isNil()) return {};
  if (format.empty()) return in;
  // Zones looked up on this thread, by name (a send renders for contacts
  // of a few dozen zones, and the tz database's lookup is a search).
  struct CachedZone {
    std::string name;
    const date::time_zone* zone = nullptr;
  };
  thread_local std::array<CachedZone, 64> zones;
  const std::string_view zone_name = env.timezone.empty() ? std::string_view("UTC") : env.timezone;
  CachedZone& slot = zones[std::hash<std::string_view>{}(zone_name) % zones.size()];
  if (!slot.zone || slot.name != zone_name) {
    slot.name.assign(zone_name);
    slot.zone = findTimeZone(slot.name);
  }
  const date::time_zone* zone = slot.zone;
  if (!zone) return fail(env, "date", "unknown time zone \"" + std::string(env.timezone) + "\"");
  SysMs instant;
  constexpr int64_t kMaxSeconds = 100'000'000'000;  // about the year 5138, either way
  if (in.isInt()) {
    if (in.asInt() > kMaxSeconds || in.asInt() < -kMaxSeconds)
      return fail(env, "date", in.toString() + " seconds is out of range (at most 100000000000)");
    instant = SysMs{std::chrono::seconds{in.asInt()}};
  } else if (in.isString()) {
    std::string_view s = in.string();
    if (s.empty()) return in;
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    const std::string l = lower(s);
    bool all_digits = !s.empty();
    for (char c : s)
      if (c < '0' || c > '9') all_digits = false;
    date::local_time<milliseconds> local;
    bool has_offset = false;
    int offset_min = 0;
    if (l == "now" || l == "today") {
      instant = SysMs{milliseconds{env.now_ms}};
    } else if (all_digits && s.size() <= 12) {
      instant = SysMs{std::chrono::seconds{std::stoll(std::string(s))}};
    } else if (parseIso(s, local, has_offset, offset_min)) {
      instant = has_offset ? SysMs{local.time_since_epoch() - std::chrono::minutes{offset_min}}
                           : localToSys(*zone, local);
    } else {
      return fail(env, "date",
                  "cannot read \"" + std::string(in.string()) + "\" as a date; " +
                      std::string(kValidInputs));
    }
  } else {
    return fail(env, "date", "cannot read " + toS(in) + " as a date; " + std::string(kValidInputs));
  }
  std::string out;
  strftime(format, breakDown(instant, *zone, dateNames(env.locale)), out);
  return Value::owned(std::move(out));
}

}  // namespace herald::tmpl::filters
