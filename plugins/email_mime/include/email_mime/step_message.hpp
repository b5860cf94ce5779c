#pragma once
// The part every email step shares: the sender read from its config, and one contact's message
// built from the fields Herald rendered for that contact. The message fields of the config schema
// are in message_properties.inc.
#include <herald/sdk.hpp>
#include <optional>
#include <string>

#include "email_mime/message.hpp"

namespace herald::email_mime {

// The sender and reply-to of a step's config, each reported as a diagnostic
// at its field when it is not an address. Call from the step's constructor.
struct Senders {
  Address from;
  std::optional<Address> reply_to;
};
Senders readSenders(StepContext& ctx, const nlohmann::json& config);

// The step's own diagnostic when neither body part is configured.
void checkHasBody(StepContext& ctx, const nlohmann::json& config);

// Contact `contact`'s message from the fields Herald rendered for it
// (contact.config()), or nullopt with the reason it cannot be sent (no or a
// bad address, an empty subject or body once rendered). Dry runs have no
// ledger key; a stable stand-in is used.
std::optional<EmailMessage> messageForContact(const Batch& batch, const Contact& contact,
                                              const Senders& senders, std::string& reason);

}  // namespace herald::email_mime
