#pragma once
// The email a provider step sends, independent of the provider's wire
// format: what the step's config says for every message (read once), and
// one contact's message as Herald rendered it, with the signed
// List-Unsubscribe pair.
#include <cstdint>
#include <herald/sdk.hpp>
#include <string>
#include <string_view>
#include <variant>

namespace herald::provider {

struct EmailStepConfig {
  std::string from;
  std::string reply_to;
  std::string api_key;
  bool list_unsubscribe = true;
};

// The config schema of a provider's email step: from, reply_to, subject,
// text, html, list_unsubscribe and the secret api_key, plus `extra`
// properties (e.g. from_name, domain). `from` describes the sender field.
nlohmann::json emailStepSchema(std::string_view plugin, std::string_view from,
                               const nlohmann::json& extra);

// Reads the keys every provider's email step has; throws herald::ConfigError
// for a step without a body ("<step_type> needs a body: ...").
EmailStepConfig readEmailStepConfig(const nlohmann::json& config, std::string_view step_type);

struct EmailMessage {
  std::string from;
  std::string from_name;  // the rendered from_name, "" when the step has none
  std::string reply_to;
  std::string to;
  std::string to_name;
  std::string subject;
  std::string text;
  std::string html;
  std::string ledger_key;  // "" in a dry run
  int64_t contact_id = 0;
  std::string list_unsubscribe;       // "" for none
  std::string list_unsubscribe_post;  // "" for none
};

// Contact i's message; a failure instead when it may not be sent (a
// marketing message without its signed unsubscribe link).
std::variant<EmailMessage, herald::Outcome> emailMessage(herald::Batch& batch, size_t i,
                                                         const EmailStepConfig& step,
                                                         std::string_view step_type);

}  // namespace herald::provider
