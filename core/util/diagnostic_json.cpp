#include "util/diagnostic_json.hpp"

namespace herald {
namespace {

const char* severityName(Severity s) {
  switch (s) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kNote:
      return "note";
  }
  return "error";
}

}  // namespace

nlohmann::json diagnosticsToJson(const Diagnostics& diags) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& d : diags.items()) {
    list.push_back({{"file", d.pos.file},
                    {"line", d.pos.line},
                    {"column", d.pos.column},
                    {"severity", severityName(d.severity)},
                    {"message", d.message}});
  }
  return list;
}

Diagnostics diagnosticsFromJson(const nlohmann::json& list) {
  Diagnostics out;
  if (!list.is_array()) return out;
  for (const auto& d : list) {
    if (!d.is_object()) continue;
    const std::string severity = d.value("severity", "error");
    out.add({severity == "warning" ? Severity::kWarning
             : severity == "note"  ? Severity::kNote
                                   : Severity::kError,
             {d.value("file", ""), d.value("line", 0), d.value("column", 0)},
             d.value("message", "")});
  }
  return out;
}

}  // namespace herald
