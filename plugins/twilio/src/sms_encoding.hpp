#pragma once
// How an SMS body travels: GSM-7 when every character is in the GSM 03.38
// alphabet (its extension table, ^ { } [ ] ~ \ | € and form feed, costs two
// septets: an escape and the character), else UCS-2 (UTF-16 code units, so
// an emoji outside the BMP costs two). A long message is split into
// concatenated segments whose user-data header leaves 153 septets (GSM-7) or
// 67 code units (UCS-2) each instead of 160 / 70.
#include <cstddef>
#include <string>
#include <string_view>

namespace herald::twilio {

enum class SmsEncodingKind { kGsm7, kUcs2 };

struct SmsEncoding {
  SmsEncodingKind kind = SmsEncodingKind::kGsm7;
  size_t units = 0;     // septets (GSM-7) or UTF-16 code units (UCS-2)
  size_t segments = 0;  // 0 for an empty body
  // UCS-2 only: the first character outside GSM-7 (UTF-8), for messages
  // that tell a marketer why a body costs more than it looks.
  std::string ucs2_because{};
};

// "gsm7" or "ucs2", as recorded with the delivery.
const char* encodingName(SmsEncodingKind kind);

// The encoding and segment count of `body` (UTF-8; an invalid byte counts as
// a UCS-2 replacement character). Segments are filled greedily without
// splitting an escape pair or a surrogate pair across two segments, as
// handsets reassemble them, so the count never underestimates what a
// carrier bills.
SmsEncoding smsEncoding(std::string_view body);

}  // namespace herald::twilio
