#pragma once
// What a verified provider webhook event does in Herald: a suppression (a
// hard bounce, a complaint, an unsubscribe) and an event for the contact.
#include <cstdint>
#include <herald/sdk.hpp>
#include <string>

namespace herald::provider {

struct ProviderEvent {
  std::string provider;       // "sendgrid": for log lines
  std::string provider_type;  // the provider's own name of the event, for log lines
  std::string email;
  int64_t contact_id = 0;       // from the message's own variables; 0: find by email
  std::string type;             // the event to record ("bounced"), "" for none
  std::string suppress_reason;  // "" for no suppression
  std::string event_id;         // "<provider>:<id>": stored once however often it comes
  int64_t at_ms = 0;
  nlohmann::json properties = nlohmann::json::object();
};

// Suppresses, then records. False when the store failed and the provider
// should send the event again; an unusable address or an unknown contact is
// logged, not retried (a resend would not cure it).
bool applyEvent(const herald::PluginContext& plugin, const ProviderEvent& event);

}  // namespace herald::provider
