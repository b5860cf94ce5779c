#pragma once
// Diagnostics as JSON (`validate --json`, the daemon's control socket): a
// list of {file, line, column, severity ("error", "warning", "note"), message}.
#include <nlohmann/json.hpp>

#include "util/diagnostic.hpp"

namespace herald {

nlohmann::json diagnosticsToJson(const Diagnostics& diags);
// The other way round; entries that are not objects are skipped.
Diagnostics diagnosticsFromJson(const nlohmann::json& list);

}  // namespace herald
