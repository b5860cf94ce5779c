#pragma once
// Internal to core/plugin: the host API entries ABI 1.3 appended, one file
// per service under host_services/. Each tolerates NULL arguments and never
// throws; callbacks run on the loop (plugin_ctx.hpp).
#include <cstdint>
#include <string>

#include "herald/abi.h"

namespace herald::plugin {

// lifecycle.cpp
herald_plugin_ctx* hostPluginCtx(herald_step_ctx* ctx);
void* hostPluginState(herald_plugin_ctx* plugin);
void hostPluginLog(herald_plugin_ctx* plugin, int32_t level, const char* message);
// http.cpp
herald_status hostHttpRequest(herald_plugin_ctx* plugin, const herald_http_request* request,
                              herald_http_callback done, void* user);
// smtp.cpp
herald_status hostSmtpSend(herald_plugin_ctx* plugin, const herald_smtp_message* message,
                           herald_smtp_callback done, void* user);
// timers.cpp
herald_status hostTimerStart(herald_plugin_ctx* plugin, uint64_t delay_ms,
                             herald_timer_callback fire, void* user, uint64_t* out_timer);
herald_status hostTimerCancel(herald_plugin_ctx* plugin, uint64_t timer);
herald_status hostPermitAcquire(herald_plugin_ctx* plugin, const char* key,
                                herald_permit_callback granted, void* user);
// links.cpp
herald_status hostSignLink(herald_call* call, size_t contact_index, int32_t purpose,
                           const char* target_url, char** out_url);
// events.cpp
herald_status hostRecordEvent(herald_plugin_ctx* plugin, const herald_event* event,
                              herald_status_callback done, void* user);
herald_status hostSuppress(herald_plugin_ctx* plugin, const char* address, const char* reason);
// consent.cpp
herald_status hostSetConsent(herald_plugin_ctx* plugin, const char* address, const char* channel,
                             int32_t granted, const char* source, const char* wording);
// The contact record_event means by a phone number: the most recently
// updated one with it. Runs on the store's thread, waiting for it.
struct AddressLookup {
  enum Result { kFound, kNotFound, kInvalid, kNoStore, kFailed } result;
  int64_t contact_id;
};
AddressLookup contactIdForPhone(herald_plugin_ctx* plugin, const std::string& phone);
// webhooks.cpp
void hostWebhookReply(herald_webhook_reply* reply, int32_t status, const char* content_type,
                      const char* body, size_t body_len);
void hostWebhookReplyHeader(herald_webhook_reply* reply, const char* name, const char* value);

}  // namespace herald::plugin
