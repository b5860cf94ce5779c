#pragma once
// Writing JSON text by hand where building a json object would cost too
// much (import rows, a step's rendered config per contact, stored tags).
#include <string>
#include <string_view>

namespace herald {

// Appends `s` as a JSON string: quoted, `"` and `\` escaped, control
// characters as \n \r \t or \u00XX; valid UTF-8 is copied as is and any
// byte that is not part of a valid sequence becomes U+FFFD, so the result
// is always valid JSON.
void appendJsonString(std::string& out, std::string_view s);

}  // namespace herald
