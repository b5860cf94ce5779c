// host->record_event and host->suppress (ABI 1.3): a plugin's delivery
// receipts. Events take the daemon's ingestion path when it set one (group
// commit, event triggers), else go straight into the store; suppressions are
// the same store call as `herald contacts suppress`.
#include <fmt/format.h>

#include "import/contact_ref.hpp"
#include "plugin/host_services/host_api_13.hpp"
#include "plugin/host_state.hpp"
#include "plugin/store_access.hpp"
#include "store/store.hpp"
#include "util/log.hpp"

namespace herald::plugin {
namespace {

constexpr size_t kEventSizeAbi13 = offsetof(herald_event, event_id) + sizeof(const char*);
constexpr size_t kEventSizeWithPhone = offsetof(herald_event, phone) + sizeof(const char*);

// Without the daemon's ingestion: one transaction per event, no triggers.
EventRecorded storeDirectly(HostShared& host, const PluginEvent& e) {
  std::lock_guard lock(host.store_mu);
  if (!host.store) return EventRecorded::kFailed;
  auto ingest = host.store->beginEventIngest();
  auto contact = ingest->resolveContact(e.contact_id, e.external_id, e.email);
  if (!contact) return EventRecorded::kUnknownContact;
  store::Event ev;
  ev.contact_id = contact->id;
  ev.type = e.type;
  ev.properties = e.properties;
  ev.at_ms = e.at_ms;
  ev.external_id = e.event_id;
  const bool stored = ingest->insert(ev).has_value();
  ingest->commit();
  return stored ? EventRecorded::kStored : EventRecorded::kDuplicate;
}

herald_status toStatus(EventRecorded r) {
  switch (r) {
    case EventRecorded::kStored:
    case EventRecorded::kDuplicate:
      return HERALD_OK;
    case EventRecorded::kUnknownContact:
      return HERALD_ERR_NOT_FOUND;
    case EventRecorded::kFailed:
      break;
  }
  return HERALD_ERR_INTERNAL;
}

}  // namespace

herald_status hostRecordEvent(herald_plugin_ctx* plugin, const herald_event* event,
                              herald_status_callback done, void* user) {
  if (!plugin || !event || event->struct_size < kEventSizeAbi13 || !event->type || !*event->type)
    return HERALD_ERR_INVALID;
  const char* phone = event->struct_size >= kEventSizeWithPhone ? event->phone : nullptr;
  if (event->contact_id <= 0 && !event->external_id && !event->email && !phone)
    return HERALD_ERR_INVALID;
  auto services = loopServices(*plugin->host);
  if (!services) {
    logUnsupportedOnce(plugin, "events",
                       "record_event is not available here (no engine loop: `herald validate`)");
    return HERALD_ERR_UNSUPPORTED;
  }
  try {
    PluginEvent e;
    if (event->contact_id > 0) e.contact_id = event->contact_id;
    if (!e.contact_id && !event->external_id && !event->email) {
      // Only a phone number (an SMS reply): the contact is looked up now.
      const AddressLookup found = contactIdForPhone(plugin, phone);
      switch (found.result) {
        case AddressLookup::kFound:
          e.contact_id = found.contact_id;
          break;
        case AddressLookup::kInvalid:
          return HERALD_ERR_INVALID;
        case AddressLookup::kNotFound:
          if (done)
            onLoop(plugin, [plugin, done, user](LoopServices&) {
              if (!plugin->stopped.load()) done(user, HERALD_ERR_NOT_FOUND);
            });
          return HERALD_OK;
        case AddressLookup::kNoStore:
        case AddressLookup::kFailed:
          return HERALD_ERR_INTERNAL;
      }
    }
    if (event->external_id) e.external_id = event->external_id;
    if (event->email) {
      std::string email = event->email;
      for (char& ch : email) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      e.email = std::move(email);
    }
    e.type = event->type;
    e.at_ms = event->at_ms > 0 ? event->at_ms : services->clock->nowMs();
    if (event->properties_json) {
      e.properties = nlohmann::json::parse(event->properties_json, nullptr, false);
      if (e.properties.is_discarded() || !e.properties.is_object()) return HERALD_ERR_INVALID;
    }
    if (event->event_id) e.event_id = event->event_id;
    onLoop(plugin, [plugin, e = std::move(e), done, user](LoopServices& s) mutable {
      auto keep = plugin->plugin.lock();
      auto answer = [plugin, keep, done, user, type = e.type](EventRecorded r) {
        if (r == EventRecorded::kFailed)
          log::error(plugin->name, fmt::format("record_event '{}': the store failed", type));
        if (!done || plugin->stopped.load()) return;
        try {
          done(user, toStatus(r));
        } catch (...) {
          hostPluginLog(plugin, HERALD_LOG_ERROR,
                        "the plugin's record_event callback threw (plugin bug)");
        }
      };
      if (s.events) {
        s.events(std::move(e), std::move(answer));
        return;
      }
      EventRecorded r = EventRecorded::kFailed;
      try {
        r = storeDirectly(*plugin->host, e);
      } catch (const std::exception& ex) {
        log::error(plugin->name, std::string("record_event: ") + ex.what());
      }
      answer(r);
    });
    return HERALD_OK;
  } catch (...) {
    return HERALD_ERR_INTERNAL;
  }
}

herald_status hostSuppress(herald_plugin_ctx* plugin, const char* address, const char* reason) {
  if (!plugin || !address || !reason || !*reason) return HERALD_ERR_INVALID;
  try {
    std::string error;
    const auto parsed = import::parseAddress(address, error);
    if (!parsed) {
      hostPluginLog(plugin, HERALD_LOG_WARN, ("suppress: " + error).c_str());
      return HERALD_ERR_INVALID;
    }
    auto services = loopServices(*plugin->host);
    herald_status status = HERALD_ERR_INTERNAL;
    const int64_t now = services && services->clock
                            ? services->clock->nowMs()
                            : std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
    const std::string why = reason;
    switch (onStoreThread(*plugin->host, services ? services->loop : nullptr, [&](store::Store& s) {
      s.suppressAddress(parsed->kind, parsed->value, why, now);
      status = HERALD_OK;
    })) {
      case StoreAnswer::kDone:
        return status;
      case StoreAnswer::kNoStore:
        return HERALD_ERR_UNSUPPORTED;
      case StoreAnswer::kTimedOut:
        return HERALD_ERR_INTERNAL;
    }
  } catch (const std::exception& e) {
    log::error(plugin->name, std::string("suppress failed: ") + e.what());
  } catch (...) {
  }
  return HERALD_ERR_INTERNAL;
}

}  // namespace herald::plugin
