#include "engine/delivery_policy.hpp"

#include <algorithm>

namespace herald::engine {
namespace {

bool present(const std::optional<std::string>& s) { return s && !s->empty(); }

// The channel a consent is recorded under: an SMS, a call or a WhatsApp
// message all go to the phone number, but each is its own consent.
const store::Consent* currentConsent(const store::Contact& contact, const std::string& channel) {
  auto it = std::find_if(contact.consents.begin(), contact.consents.end(),
                         [&](const store::Consent& k) { return k.channel == channel; });
  return it == contact.consents.end() ? nullptr : &*it;
}

}  // namespace

PolicyDecision decideDelivery(const store::Contact& contact, const std::string& channel,
                              const DeliveryRules& rules) {
  if (contact.suppressed_ms) {
    return {false, "suppressed",
            "contact is on the suppression list (erased, or suppressed with 'herald contacts "
            "suppress'); nothing is delivered to them"};
  }
  // A channel Herald does not know an address field for is the plugin's
  // business (e.g. a webhook step): no address to check here.
  const std::optional<std::string>* address = nullptr;
  if (channel == "email") address = &contact.email;
  if (channel == "sms" || channel == "phone" || channel == "whatsapp") address = &contact.phone;
  if (address && !present(*address)) {
    return {false, "no-address",
            "contact has no " + std::string(channel == "email" ? "email address" : "phone number") +
                " for the " + channel + " channel"};
  }
  if (rules.require_consent) {
    const store::Consent* k = currentConsent(contact, channel);
    if (k == nullptr) {
      return {false, "no-consent",
              "contact has no consent for the " + channel + " channel (import consent_" + channel +
                  "=yes, or set require_consent: false for transactional messages)"};
    }
    if (!k->granted && k->source == kUnsubscribeSource) {
      return {false, "unsubscribed",
              "contact unsubscribed from the " + channel + " channel through a link in a message"};
    }
    if (!k->granted) {
      return {false, "no-consent",
              "contact said no to the " + channel + " channel (" + k->source + ")"};
    }
  }
  return {true, "allowed", ""};
}

}  // namespace herald::engine
