#pragma once
// E.164 as Twilio takes it: '+', a country code that does not start with 0,
// 8 to 15 digits in all (the same rule as `herald contacts suppress`).
#include <string_view>

namespace herald::twilio {

inline bool isE164(std::string_view phone) {
  if (phone.size() < 9 || phone.size() > 16 || phone[0] != '+' || phone[1] == '0') return false;
  for (char c : phone.substr(1))
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace herald::twilio
