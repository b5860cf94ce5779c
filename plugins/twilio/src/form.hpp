#pragma once
// application/x-www-form-urlencoded pairs, both ways: Twilio's Messages API
// takes its parameters so, and posts its webhooks so (one value's encoding
// is provider_http's formEncode).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace herald::twilio {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// name=value&... in the given order.
std::string formEncode(const FormFields& fields);
// The pairs of a form body or query, decoded ('+' is a space); a malformed
// escape is kept as written.
FormFields formDecode(std::string_view body);
// The first value of `name`, or "".
std::string formValue(const FormFields& fields, std::string_view name);

}  // namespace herald::twilio
