// host->sign_link (ABI 1.3): the daemon's link signer (core/links) for a
// contact of a live batch; the link names the batch's workflow, revision,
// step and the contact's delivery (the occurrence ends its ledger key).
#include <fmt/format.h>

#include <cstdlib>
#include <cstring>

#include "plugin/call.hpp"
#include "plugin/host_services/host_api_13.hpp"
#include "plugin/host_state.hpp"

namespace herald::plugin {
namespace {

// The occurrence of a ledger key "workflow/revision/step/contact/occurrence"
// (store::LedgerKey::text); 0 without a key (a step that is no delivery).
int32_t occurrenceOf(const char* key) {
  if (!key) return 0;
  const char* slash = std::strrchr(key, '/');
  return slash ? static_cast<int32_t>(std::strtol(slash + 1, nullptr, 10)) : 0;
}

}  // namespace

herald_status hostSignLink(herald_call* call, size_t contact_index, int32_t purpose,
                           const char* target_url, char** out_url) {
  if (!out_url) return HERALD_ERR_INVALID;
  *out_url = nullptr;
  try {
    auto st = liveCall(call);
    if (!st) return HERALD_ERR_INVALID;
    herald_step_ctx& ctx = *st->core->ctx;
    herald_plugin_ctx* plugin = hostPluginCtx(&ctx);
    const herald_batch& batch = *st->batch.get();
    if (contact_index >= batch.count) return HERALD_ERR_INVALID;
    if (purpose < HERALD_LINK_UNSUBSCRIBE || purpose > HERALD_LINK_CLICK) return HERALD_ERR_INVALID;
    if (purpose == HERALD_LINK_CLICK && (!target_url || !*target_url)) return HERALD_ERR_INVALID;
    auto services = loopServices(*ctx.host);
    if (!services || !services->signer) {
      if (plugin)
        logUnsupportedOnce(plugin, "links",
                           "sign_link is not available: no link keys are configured (links.keys "
                           "in herald.yaml; see docs/operations.md)");
      return HERALD_ERR_UNSUPPORTED;
    }
    const herald_contact& c = *batch.contacts[contact_index];
    links::LinkIds ids;
    ids.contact_id = c.id;
    ids.workflow = batch.workflow ? batch.workflow : "";
    ids.revision = batch.revision ? batch.revision : "";
    ids.step = batch.step_id ? batch.step_id : "";
    ids.occurrence = occurrenceOf(c.delivery_key);
    if (purpose == HERALD_LINK_CLICK) ids.url = target_url;
    const auto p = static_cast<links::Purpose>(purpose);
    const int64_t expires = services->clock->nowMs() + services->link_lifetime_ms;
    const std::string url =
        links::linkUrl(services->public_base_url, p, services->signer->sign(p, ids, expires));
    char* copy = static_cast<char*>(std::malloc(url.size() + 1));
    if (!copy) return HERALD_ERR_INTERNAL;
    std::memcpy(copy, url.c_str(), url.size() + 1);
    *out_url = copy;
    return HERALD_OK;
  } catch (...) {
    return HERALD_ERR_INTERNAL;
  }
}

}  // namespace herald::plugin
