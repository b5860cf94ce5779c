#pragma once
// Standard base64 with padding (HTTP basic auth, X-Twilio-Signature).
#include <string>
#include <string_view>

namespace herald::twilio {

std::string base64(std::string_view bytes);

}  // namespace herald::twilio
