// host->set_consent (appended to ABI 1.3 for SMS opt-out) and the address
// lookup record_event uses for a phone number. A consent goes in as an import
// row naming the contact by its external id or email (every contact has
// one), the store path the admin API and `herald import contacts` take, so
// the history keeps its source and only a change of answer adds a row.
#include <fmt/format.h>

#include "import/contact_ref.hpp"
#include "plugin/host_services/host_api_13.hpp"
#include "plugin/host_services/plugin_ctx.hpp"
#include "plugin/host_state.hpp"
#include "plugin/store_access.hpp"
#include "store/store.hpp"
#include "util/log.hpp"

namespace herald::plugin {
namespace {

int64_t nowMs(const std::shared_ptr<LoopServices>& services) {
  if (services && services->clock) return services->clock->nowMs();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::vector<store::Contact> contactsWith(store::Store& s, const import::Address& address) {
  if (address.kind == "phone") return s.contactsByPhone(address.value);
  std::vector<store::Contact> out;
  if (auto c = s.contactByEmail(address.value)) out.push_back(std::move(*c));
  return out;
}

}  // namespace

AddressLookup contactIdForPhone(herald_plugin_ctx* plugin, const std::string& phone) {
  std::string error;
  const auto parsed = import::parseAddress(phone, error);
  if (!parsed || parsed->kind != "phone") return {AddressLookup::kInvalid, 0};
  auto services = loopServices(*plugin->host);
  AddressLookup out{AddressLookup::kNotFound, 0};
  switch (onStoreThread(*plugin->host, services ? services->loop : nullptr, [&](store::Store& s) {
    const auto found = s.contactsByPhone(parsed->value);
    if (!found.empty()) out = {AddressLookup::kFound, found.front().id};  // newest update first
  })) {
    case StoreAnswer::kDone:
      return out;
    case StoreAnswer::kNoStore:
      return {AddressLookup::kNoStore, 0};
    case StoreAnswer::kTimedOut:
      break;
  }
  return {AddressLookup::kFailed, 0};
}

herald_status hostSetConsent(herald_plugin_ctx* plugin, const char* address, const char* channel,
                             int32_t granted, const char* source, const char* wording) {
  if (!plugin || !address || !channel || !*channel || !source || !*source)
    return HERALD_ERR_INVALID;
  try {
    std::string error;
    const auto parsed = import::parseAddress(address, error);
    if (!parsed) {
      hostPluginLog(plugin, HERALD_LOG_WARN, ("set_consent: " + error).c_str());
      return HERALD_ERR_INVALID;
    }
    auto services = loopServices(*plugin->host);
    const int64_t now = nowMs(services);
    const store::Consent consent{channel, granted != 0, source, now, wording ? wording : ""};
    herald_status status = HERALD_ERR_NOT_FOUND;
    switch (onStoreThread(*plugin->host, services ? services->loop : nullptr, [&](store::Store& s) {
      const auto contacts = contactsWith(s, *parsed);
      if (contacts.empty()) return;
      auto import = s.beginContactImport();
      for (const auto& c : contacts) {
        store::Contact change;
        change.external_id = c.external_id;
        change.email = c.email;
        change.consents.push_back(consent);
        // 0: the contact's address is suppressed; its answer is moot then.
        import->upsert(change);
      }
      import->commit();
      status = HERALD_OK;
    })) {
      case StoreAnswer::kDone:
        if (status == HERALD_OK)
          log::info(plugin->name, fmt::format("consent on {} {} ({})", channel,
                                              granted ? "granted" : "withdrawn", source));
        return status;
      case StoreAnswer::kNoStore:
        logUnsupportedOnce(plugin, "consent", "set_consent is not available here (no store)");
        return HERALD_ERR_UNSUPPORTED;
      case StoreAnswer::kTimedOut:
        return HERALD_ERR_INTERNAL;
    }
  } catch (const std::exception& e) {
    log::error(plugin->name, std::string("set_consent failed: ") + e.what());
  } catch (...) {
  }
  return HERALD_ERR_INTERNAL;
}

}  // namespace herald::plugin
