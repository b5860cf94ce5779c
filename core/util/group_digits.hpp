#pragma once
// Whole numbers as people compare them at a glance: 53182 -> "53,182".
#include <cstdint>
#include <string>

namespace herald {

inline std::string groupDigits(int64_t n) {
  const std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

}  // namespace herald
