#pragma once
// X-Twilio-Signature: base64(HMAC-SHA1(auth token, URL + each POST parameter's
// name and value, sorted by name, concatenated)). The URL is the one Twilio
// requested, query included, as configured in Twilio (so it comes from the
// plugin's public_url, never from the request's Host header).
#include <string>
#include <string_view>

#include "form.hpp"

namespace herald::twilio {

std::string twilioSignature(std::string_view auth_token, std::string_view url,
                            const FormFields& params);
// Whether `header` is the signature of (url, params), compared in constant time.
bool twilioSignatureMatches(std::string_view auth_token, std::string_view url,
                            const FormFields& params, std::string_view header);

}  // namespace herald::twilio
