#include "settings.hpp"

namespace herald::smtp {

Settings readSettings(const nlohmann::json& settings) {
  Settings out;
  if (!settings.is_object()) return out;
  out.envelope_from = settings.value("envelope_from", "");
  out.retry_after_ms = settings.value("retry_after_seconds", int64_t{60}) * 1000;
  out.dkim_domain = settings.value("dkim_domain", "");
  out.dkim_selector = settings.value("dkim_selector", "");
  return out;
}

}  // namespace herald::smtp
