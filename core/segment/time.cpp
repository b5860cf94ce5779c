#include "segment/time.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <exception>
#include <limits>
#include <stdexcept>

#include "util/time_zone.hpp"

namespace herald::segment {
namespace {

using std::chrono::milliseconds;

const date::time_zone* zoneOf(const std::string& name) {
  // Rules are validated when loaded; an unknown zone here reads as UTC.
  if (const date::time_zone* zone = findTimeZone(name)) return zone;
  return findTimeZone("UTC");
}

// Local wall time in `zone` -> instant. A time in a spring-forward gap moves
// forward by the gap's length; an ambiguous one takes its first pass.
int64_t toInstant(const date::time_zone* zone, date::local_time<milliseconds> local) {
  if (!zone) return local.time_since_epoch().count();
  return localToSys(*zone, local).time_since_epoch().count();
}

date::local_time<milliseconds> toLocal(const date::time_zone* zone, int64_t ms) {
  const date::sys_time<milliseconds> sys{milliseconds{ms}};
  if (!zone) return date::local_time<milliseconds>{sys.time_since_epoch()};
  return zone->to_local(sys);
}

int64_t unitMs(Duration::Unit u) {
  switch (u) {
    case Duration::Unit::kSecond:
      return 1000;
    case Duration::Unit::kMinute:
      return 60'000;
    case Duration::Unit::kHour:
      return 3'600'000;
    case Duration::Unit::kDay:
      return 86'400'000;
    case Duration::Unit::kWeek:
      return 7 * 86'400'000LL;
    case Duration::Unit::kMonth:
    case Duration::Unit::kYear:
      break;
  }
  return 0;
}

// Reads exactly `n` digits at `i`.
bool digits(const std::string& s, size_t& i, size_t n, int& out) {
  if (i + n > s.size()) return false;
  int v = 0;
  for (size_t k = 0; k < n; ++k) {
    const char c = s[i + k];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  i += n;
  out = v;
  return true;
}

std::string twoDigits(unsigned v) {
  return std::string(1, static_cast<char>('0' + v / 10)) + static_cast<char>('0' + v % 10);
}

}  // namespace

std::optional<Duration> parseDuration(const std::string& text) {
  size_t i = 0;
  int64_t amount = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (i >= 9) return std::nullopt;  // at most 999,999,999 of a unit
    amount = amount * 10 + (text[i] - '0');
    ++i;
  }
  if (i == 0 || amount <= 0) return std::nullopt;
  const std::string unit = text.substr(i);
  Duration d;
  d.amount = amount;
  d.text = text;
  if (unit == "s")
    d.unit = Duration::Unit::kSecond;
  else if (unit == "m")
    d.unit = Duration::Unit::kMinute;
  else if (unit == "h")
    d.unit = Duration::Unit::kHour;
  else if (unit == "d")
    d.unit = Duration::Unit::kDay;
  else if (unit == "w")
    d.unit = Duration::Unit::kWeek;
  else if (unit == "mo")
    d.unit = Duration::Unit::kMonth;
  else if (unit == "y")
    d.unit = Duration::Unit::kYear;
  else
    return std::nullopt;
  return d;
}

std::optional<IsoTime> parseIsoTime(const std::string& s) {
  IsoTime t;
  size_t i = 0;
  if (!digits(s, i, 4, t.year) || i >= s.size() || s[i++] != '-' || !digits(s, i, 2, t.month) ||
      i >= s.size() || s[i++] != '-' || !digits(s, i, 2, t.day))
    return std::nullopt;
  const date::year_month_day ymd{date::year{t.year}, date::month{static_cast<unsigned>(t.month)},
                                 date::day{static_cast<unsigned>(t.day)}};
  if (!ymd.ok()) return std::nullopt;
  if (i == s.size()) return t;
  if (s[i] != 'T' && s[i] != ' ') return std::nullopt;
  ++i;
  int h = 0, m = 0, sec = 0, frac = 0;
  if (!digits(s, i, 2, h) || i >= s.size() || s[i++] != ':' || !digits(s, i, 2, m))
    return std::nullopt;
  if (i < s.size() && s[i] == ':') {
    ++i;
    if (!digits(s, i, 2, sec)) return std::nullopt;
    if (i < s.size() && s[i] == '.') {
      ++i;
      size_t n = 0;
      int scale = 100;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (n < 3) frac += (s[i] - '0') * scale;
        scale /= 10;
        ++i;
        ++n;
      }
      if (n == 0) return std::nullopt;
    }
  }
  if (h > 23 || m > 59 || sec > 59) return std::nullopt;
  t.has_time = true;
  t.ms_of_day = ((h * 60LL + m) * 60 + sec) * 1000 + frac;
  if (i == s.size()) return t;
  if (s[i] == 'Z') {
    t.offset_minutes = 0;
    ++i;
  } else if (s[i] == '+' || s[i] == '-') {
    const int sign = s[i] == '-' ? -1 : 1;
    ++i;
    int oh = 0, om = 0;
    if (!digits(s, i, 2, oh)) return std::nullopt;
    if (i < s.size() && s[i] == ':') {
      ++i;
      if (!digits(s, i, 2, om)) return std::nullopt;
    } else if (i < s.size()) {
      if (!digits(s, i, 2, om)) return std::nullopt;
    }
    if (oh > 23 || om > 59) return std::nullopt;
    t.offset_minutes = sign * (oh * 60 + om);
  }
  if (i != s.size()) return std::nullopt;
  return t;
}

bool isIsoTime(const std::string& text) { return parseIsoTime(text).has_value(); }

int64_t resolve(const Duration& d, const EvalContext& ctx) {
  if (d.unit != Duration::Unit::kMonth && d.unit != Duration::Unit::kYear) {
    // parseDuration() caps the amount at 999,999,999: no overflow here.
    return ctx.now_ms - d.amount * unitMs(d.unit);
  }
  const date::time_zone* zone = zoneOf(ctx.timezone);
  const auto local = toLocal(zone, ctx.now_ms);
  const auto day = date::floor<date::days>(local);
  const auto time_of_day = local - day;
  const date::year_month_day ymd{day};
  const int64_t months = d.unit == Duration::Unit::kYear ? d.amount * 12 : d.amount;
  // Months since year 0, counted back; before year 1 everything is "older".
  const int64_t index = static_cast<int64_t>(static_cast<int>(ymd.year())) * 12 +
                        static_cast<int64_t>(static_cast<unsigned>(ymd.month())) - 1 - months;
  if (index < 12) return std::numeric_limits<int64_t>::min() / 2;
  const date::year y{static_cast<int>(index / 12)};
  const date::month m{static_cast<unsigned>(index % 12 + 1)};
  date::year_month_day target{y, m, ymd.day()};
  if (!target.ok())
    target = date::year_month_day{date::year_month_day_last{y, date::month_day_last{m}}};
  return toInstant(zone, date::local_days{target} + time_of_day);
}

int64_t resolve(const TimeValue& t, const EvalContext& ctx) {
  if (const auto* d = std::get_if<Duration>(&t.value)) return resolve(*d, ctx);
  const std::string& text = std::get<std::string>(t.value);
  const auto iso = parseIsoTime(text);
  if (!iso) throw std::invalid_argument("not an ISO 8601 date or date-time: '" + text + "'");
  const date::local_days day{date::year{iso->year} / iso->month / iso->day};
  const auto local = date::local_time<milliseconds>{day} + milliseconds{iso->ms_of_day};
  if (iso->offset_minutes)
    return (local.time_since_epoch() - std::chrono::minutes{*iso->offset_minutes}).count();
  return toInstant(zoneOf(ctx.timezone), local);
}

RfmPeriod rfmPeriod(const RfmOptions& options, const EvalContext& ctx) {
  RfmPeriod out;
  out.to_ms = options.as_of ? resolve(*options.as_of, ctx) : ctx.now_ms;
  if (options.window) out.from_ms = resolve(*options.window, EvalContext{out.to_ms, ctx.timezone});
  return out;
}

std::string localDate(const EvalContext& ctx) { return birthDateForAge(0, ctx); }

std::map<std::string, std::vector<std::string>> zonesByLocalDate(int64_t now_ms) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& name : timeZoneNames()) {
    out[localDate(EvalContext{now_ms, name, {}})].push_back(name);
  }
  return out;
}

std::vector<std::string> monthDaysFrom(const std::string& iso_date, int days) {
  const auto iso = parseIsoTime(iso_date);
  if (!iso) throw std::invalid_argument("not an ISO 8601 date: '" + iso_date + "'");
  const date::sys_days first{date::year{iso->year} / iso->month / iso->day};
  std::vector<std::string> out;
  for (int i = 0; i < days; ++i) {
    const date::year_month_day d{first + date::days{i}};
    const auto month = static_cast<unsigned>(d.month());
    const auto day = static_cast<unsigned>(d.day());
    out.push_back(twoDigits(month) + "-" + twoDigits(day));
    if (month == 2 && day == 28 && !d.year().is_leap()) out.push_back("02-29");
  }
  return out;
}

std::string birthDateForAge(int years, const EvalContext& ctx) {
  const auto local = toLocal(zoneOf(ctx.timezone), ctx.now_ms);
  const date::year_month_day today{date::floor<date::days>(local)};
  const date::year y = today.year() - date::years{years};
  date::year_month_day born{y, today.month(), today.day()};
  if (!born.ok()) born = date::year_month_day{y, today.month(), date::day{28}};  // Feb 29
  const int year = static_cast<int>(born.year());
  std::string out = std::to_string(year < 0 ? 0 : year);
  while (out.size() < 4) out.insert(out.begin(), '0');
  return out + "-" + twoDigits(static_cast<unsigned>(born.month())) + "-" +
         twoDigits(static_cast<unsigned>(born.day()));
}

}  // namespace herald::segment
