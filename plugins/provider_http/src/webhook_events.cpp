#include "webhook_events.hpp"

namespace herald::provider {

bool applyEvent(const herald::PluginContext& plugin, const ProviderEvent& e) {
  const herald::Events sink(plugin.host(), plugin.handle());
  if (!e.suppress_reason.empty()) {
    const herald_status s = sink.suppress(e.email, e.suppress_reason);
    if (s == HERALD_ERR_INVALID)
      plugin.log(HERALD_LOG_WARN, e.provider + " " + e.provider_type +
                                      " event without a usable address: '" + e.email + "'");
    else if (s != HERALD_OK)
      return false;
  }
  if (e.type.empty()) return true;
  herald::Event event;
  event.contact_id = e.contact_id;
  event.email = e.email;
  event.type = e.type;
  event.event_id = e.event_id;
  event.at_ms = e.at_ms;
  event.properties = e.properties;
  event.properties["provider"] = e.provider;
  const herald::PluginContext log = plugin;
  const std::string what = e.provider + " event for an unknown contact " + e.email;
  return sink.record(event, [log, what](herald_status stored) {
    if (stored == HERALD_ERR_NOT_FOUND) log.log(HERALD_LOG_WARN, what);
  }) == HERALD_OK;
}

}  // namespace herald::provider
