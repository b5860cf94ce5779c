#pragma once
// Writing CSV (RFC 4180): the one place that quotes a field.
#include <string>
#include <string_view>

namespace herald {

// Appends `field` to `out`, in double quotes (with `"` doubled) when it
// holds a comma, a quote, a line break or leading/trailing blanks.
inline void appendCsvField(std::string& out, std::string_view field) {
  const bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!field.empty() && (field.front() == ' ' || field.back() == ' '));
  if (!quote) {
    out += field;
    return;
  }
  out += '"';
  for (char ch : field) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
}

}  // namespace herald
