#pragma once
// Amounts of money as exact integers: micro-units, one millionth of the
// currency's unit, whatever the currency (JPY has no decimals, KWD three,
// BTC eight: six covers every ISO 4217 currency exactly). Sums, averages and
// comparisons of amounts are done on these integers, never on binary
// floating point, so three purchases of 66.70, 66.70 and 66.60 total exactly
// 200 (as doubles they total 200.00000000000003).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace herald::money {

inline constexpr int64_t kUnitsPerWhole = 1'000'000;
inline constexpr int kDecimals = 6;

// The micro-units of a decimal number written as text: "66.70", "-3",
// "1.5e2", "12.3456785", a JSON string holding one ("\"12.50\"") too.
// Decimals past the sixth are rounded half away from zero
// (0.0000005 -> 1 unit). nullopt when the text is not a number or the value
// is beyond +-9,000,000,000,000 (nine trillion whole units).
std::optional<int64_t> unitsOfText(std::string_view text);

// The micro-units of a JSON value: a number (through its shortest decimal
// text, which is the written decimal for up to 15 significant digits) or a
// string holding a decimal number. nullopt for anything else.
std::optional<int64_t> unitsOf(const nlohmann::json& value);

// A number a rule compares amounts with, in micro-units (read like
// unitsOf); values beyond the range saturate, as no amount reaches them.
// nullopt when `value` is not a number.
std::optional<int64_t> unitsOfThreshold(const nlohmann::json& value);

// The average of `count` amounts summing to `sum_units`, in micro-units,
// rounded half away from zero (what SQL computes in segment_sql.cpp).
int64_t averageUnits(int64_t sum_units, int64_t count);

// "200", "66.7", "-0.000001": the shortest exact decimal text of units.
std::string textOfUnits(int64_t units);

}  // namespace herald::money
