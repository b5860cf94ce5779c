#include "engine/delivery_policy.hpp"

namespace herald::engine {
namespace {

bool present(const std::optional<std::string>& s) { return s && !s->empty(); }

}  // namespace

PolicyDecision decideDelivery(const store::Contact& contact, const std::string& channel) {
  // A channel Herald does not know an address field for is the plugin's
  // business (e.g. a webhook step): nothing to check here.
  const std::optional<std::string>* address = nullptr;
  if (channel == "email") address = &contact.email;
  if (channel == "sms" || channel == "phone" || channel == "whatsapp") address = &contact.phone;
  if (address && !present(*address)) {
    return {false, "no-address",
            "contact has no " + std::string(channel == "email" ? "email address" : "phone number") +
                " for the " + channel + " channel"};
  }
  return {true, "allowed", ""};
}

}  // namespace herald::engine
