#pragma once
// HTML escaping of output: & < > " ' become entities.
#include <string>
#include <string_view>

namespace herald::tmpl {

// Appends `s` to `out` with & < > " ' escaped (runs without them are
// appended in bulk).
void appendHtmlEscaped(std::string& out, std::string_view s);

}  // namespace herald::tmpl
