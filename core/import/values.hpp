#pragma once
// Parsing and validation of single import values. Each returns nullopt (or
// false) for a bad value; the callers word the error with the column name.
// No regex and no allocation on the common path: these run once per field.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace herald::import {

std::string_view trim(std::string_view s);
bool isValidUtf8(std::string_view s);

// Lower-cases into `out`; false when `in` is not a plausible address.
bool normalizeEmail(std::string_view in, std::string& out);
// E.164: "+<country code><number>", 8 to 15 digits. Spaces, dots, dashes,
// slashes and parentheses are dropped and a leading "00" becomes "+".
bool normalizePhone(std::string_view in, std::string& out);
// An integer when the text is one (and fits), else a double.
std::optional<nlohmann::json> parseNumber(std::string_view in);
// true/false, yes/no, y/n, 1/0, t/f, on/off (any case).
std::optional<bool> parseBoolean(std::string_view in);
// A consent answer: yes/granted/opt-in/subscribed/... or no/revoked/opt-out/...
std::optional<bool> parseConsent(std::string_view in);

// ISO 8601 date or date-time: YYYY-MM-DD, or YYYY-MM-DD[T ]HH:MM[:SS[.fff]]
// with an optional Z or ±HH[:MM] offset (none means UTC).
struct Timestamp {
  int64_t unix_ms = 0;
  bool has_time = false;
};
std::optional<Timestamp> parseTimestamp(std::string_view in);
// "2024-05-01" for a date, "2024-05-01T14:30:00Z" (UTC) for a date-time.
std::string formatTimestamp(const Timestamp& t);

// BCP 47-ish: language, optional script, optional region, with '_' accepted
// for '-' and case normalised ("ko_kr" -> "ko-KR").
std::optional<std::string> normalizeLocale(std::string_view in);

// Splits a list cell on '|' or ';', trimming items and dropping empty ones.
void splitList(std::string_view in, std::vector<std::string>& out);

// IANA time zone names, looked up in the system's tz database once each.
class TimeZones {
 public:
  bool known(std::string_view name);
  // The closest known name, for "did you mean" (empty when nothing is close).
  std::string suggest(std::string_view name);

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, bool, Hash, std::equal_to<>> cache_;
};

// Edit distance, for suggestions.
size_t editDistance(std::string_view a, std::string_view b);

}  // namespace herald::import
