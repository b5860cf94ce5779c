#include "workflow/cron.hpp"

#include <date/tz.h>

#include <array>
#include <cctype>
#include <chrono>
#include <exception>
#include <vector>

#include "util/time_zone.hpp"

namespace herald::workflow {
namespace {

struct CronFailure {
  size_t offset;
  std::string message;
};

struct FieldSpec {
  const char* name;
  int min;
  int max;
  const char* const* names;  // names for min..min+count-1, or null
  int name_count;
};

constexpr const char* kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr const char* kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

constexpr FieldSpec kSpecs[5] = {
    {"minute", 0, 59, nullptr, 0},
    {"hour", 0, 23, nullptr, 0},
    {"day of month", 1, 31, nullptr, 0},
    {"month", 1, 12, kMonthNames, 12},
    // 7 is accepted as Sunday, as in most crons.
    {"day of week", 0, 7, kDayNames, 7},
};

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string rangeHint(const FieldSpec& spec) {
  std::string hint = std::to_string(spec.min) + "-" + std::to_string(spec.max);
  if (spec.names) {
    hint += " or ";
    hint += spec.names[0];
    hint += "-";
    hint += spec.names[spec.name_count - 1];
  }
  return hint;
}

int parseValue(const std::string& field, size_t begin, size_t end, const FieldSpec& spec,
               size_t base) {
  const std::string tok = field.substr(begin, end - begin);
  if (tok.empty())
    throw CronFailure{base + begin, std::string("missing value in the ") + spec.name + " field"};
  if (std::isdigit(static_cast<unsigned char>(tok[0]))) {
    int v = 0;
    for (char c : tok) {
      if (!std::isdigit(static_cast<unsigned char>(c)))
        throw CronFailure{base + begin, std::string("'") + tok + "' is not a valid " + spec.name +
                                            "; use " + rangeHint(spec)};
      v = v * 10 + (c - '0');
      if (v > 1000) break;
    }
    if (v < spec.min || v > spec.max)
      throw CronFailure{base + begin,
                        std::string(spec.name) + " must be " + rangeHint(spec) + ", got " + tok};
    return v;
  }
  if (spec.names) {
    const std::string u = upper(tok);
    for (int i = 0; i < spec.name_count; ++i)
      if (u == spec.names[i]) return spec.min + i;
  }
  throw CronFailure{base + begin, std::string("'") + tok + "' is not a valid " + spec.name +
                                      "; use " + rangeHint(spec)};
}

// Parses one field into `bits` (indexed by value). `base` is the field's
// offset in the whole expression, for error positions.
template <size_t N>
void parseField(const std::string& field, size_t base, const FieldSpec& spec,
                std::bitset<N>& bits) {
  size_t item_begin = 0;
  while (item_begin <= field.size()) {
    size_t item_end = field.find(',', item_begin);
    if (item_end == std::string::npos) item_end = field.size();
    if (item_end == item_begin)
      throw CronFailure{base + item_begin,
                        std::string("empty list item in the ") + spec.name + " field"};
    const size_t slash = field.find('/', item_begin);
    const size_t range_end = (slash != std::string::npos && slash < item_end) ? slash : item_end;
    int lo = spec.min;
    int hi = spec.max;
    bool single = false;
    if (field.compare(item_begin, range_end - item_begin, "*") == 0) {
      // whole range
    } else {
      const size_t dash = field.find('-', item_begin);
      if (dash != std::string::npos && dash < range_end) {
        lo = parseValue(field, item_begin, dash, spec, base);
        hi = parseValue(field, dash + 1, range_end, spec, base);
        if (hi < lo)
          throw CronFailure{base + item_begin,
                            std::string("the ") + spec.name + " range " +
                                field.substr(item_begin, range_end - item_begin) +
                                " goes backwards"};
      } else {
        lo = parseValue(field, item_begin, range_end, spec, base);
        hi = lo;
        single = true;
      }
    }
    int step = 1;
    if (range_end < item_end) {
      const std::string s = field.substr(range_end + 1, item_end - range_end - 1);
      step = 0;
      for (char c : s) {
        if (!std::isdigit(static_cast<unsigned char>(c)) || step > 1000) {
          step = -1;
          break;
        }
        step = step * 10 + (c - '0');
      }
      if (s.empty() || step <= 0)
        throw CronFailure{base + range_end + 1,
                          "the step after '/' must be a positive number, got '" + s + "'"};
      if (single) hi = spec.max;  // "5/15" means from 5 to the end, every 15
    }
    for (int v = lo; v <= hi; v += step) bits.set(static_cast<size_t>(v));
    item_begin = item_end + 1;
    if (item_end == field.size()) break;
  }
}

struct Macro {
  const char* name;
  const char* expansion;
};
constexpr Macro kMacros[] = {{"@yearly", "0 0 1 1 *"},  {"@annually", "0 0 1 1 *"},
                             {"@monthly", "0 0 1 * *"}, {"@weekly", "0 0 * * 0"},
                             {"@daily", "0 0 * * *"},   {"@midnight", "0 0 * * *"},
                             {"@hourly", "0 * * * *"}};

}  // namespace

std::optional<CronSchedule> CronSchedule::parse(const std::string& text, CronError* error) {
  std::string expr = text;
  if (!expr.empty() && expr[0] == '@') {
    bool found = false;
    for (const auto& m : kMacros) {
      if (expr == m.name) {
        expr = m.expansion;
        found = true;
      }
    }
    if (!found) {
      if (error)
        *error = {0, "unknown cron macro '" + text +
                         "'; known: @yearly, @monthly, @weekly, @daily, @hourly"};
      return std::nullopt;
    }
  }
  const bool macro = expr != text;
  try {
    std::vector<std::pair<size_t, std::string>> fields;
    size_t i = 0;
    while (i < expr.size()) {
      while (i < expr.size() && std::isspace(static_cast<unsigned char>(expr[i]))) ++i;
      if (i >= expr.size()) break;
      const size_t start = i;
      while (i < expr.size() && !std::isspace(static_cast<unsigned char>(expr[i]))) ++i;
      fields.emplace_back(start, expr.substr(start, i - start));
    }
    if (fields.size() != 5) {
      const size_t at = fields.size() > 5 ? fields[5].first : expr.size();
      throw CronFailure{
          fields.size() > 5 ? at : 0,
          "a cron expression has 5 fields (minute hour day-of-month month day-of-week), "
          "this one has " +
              std::to_string(fields.size()) + "; e.g. \"0 9 * * MON\" is Mondays at 09:00"};
    }
    CronSchedule s;
    s.text_ = text;
    parseField(fields[0].second, fields[0].first, kSpecs[0], s.minutes_);
    parseField(fields[1].second, fields[1].first, kSpecs[1], s.hours_);
    parseField(fields[2].second, fields[2].first, kSpecs[2], s.days_);
    parseField(fields[3].second, fields[3].first, kSpecs[3], s.months_);
    std::bitset<8> weekdays;
    parseField(fields[4].second, fields[4].first, kSpecs[4], weekdays);
    for (size_t d = 0; d < 7; ++d) s.weekdays_[d] = weekdays[d];
    if (weekdays[7]) s.weekdays_[0] = true;
    // Vixie cron: a day field starting with '*' does not restrict the day.
    s.day_restricted_ = fields[2].second[0] != '*';
    s.weekday_restricted_ = fields[4].second[0] != '*';
    return s;
  } catch (const CronFailure& f) {
    if (error) *error = {macro ? 0 : f.offset, f.message};
    return std::nullopt;
  }
}

std::optional<int64_t> CronSchedule::nextAfter(int64_t after_ms, const std::string& tz) const {
  using std::chrono::milliseconds;
  using std::chrono::minutes;
  const date::time_zone* zone = findTimeZone(tz.empty() ? "UTC" : tz);
  if (!zone) return std::nullopt;
  const date::sys_time<milliseconds> after{milliseconds(after_ms)};
  const auto first_day = date::floor<date::days>(zone->to_local(after));
  for (int d = 0; d < 5 * 366 + 2; ++d) {
    const auto day = first_day + date::days(d);
    const date::year_month_day ymd{day};
    if (!months_[static_cast<unsigned>(ymd.month())]) continue;
    const bool dom = days_[static_cast<unsigned>(ymd.day())];
    const bool dow = weekdays_[date::weekday{day}.c_encoding()];
    bool match;
    if (day_restricted_ && weekday_restricted_)
      match = dom || dow;
    else if (day_restricted_)
      match = dom;
    else if (weekday_restricted_)
      match = dow;
    else
      match = true;
    if (!match) continue;
    for (int h = 0; h < 24; ++h) {
      if (!hours_[static_cast<size_t>(h)]) continue;
      for (int m = 0; m < 60; ++m) {
        if (!minutes_[static_cast<size_t>(m)]) continue;
        const date::local_time<milliseconds> local{day.time_since_epoch() + minutes(h * 60 + m)};
        const date::local_info info = zone->get_info(local);
        date::sys_time<milliseconds> t;
        if (info.result == date::local_info::nonexistent) {
          t = date::sys_time<milliseconds>{info.second.begin};  // the first instant after the jump
        } else {
          t = date::sys_time<milliseconds>{local.time_since_epoch() - info.first.offset};
        }
        if (t > after) return t.time_since_epoch().count();
      }
    }
  }
  return std::nullopt;
}

}  // namespace herald::workflow
