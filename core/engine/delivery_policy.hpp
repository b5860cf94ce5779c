#pragma once
// The one place where Herald decides whether a message may be delivered to a
// contact on a channel. The decision is recorded in the send ledger with the
// claim, before any provider is called.
//
// Today it only checks that the contact has an address for the channel.
// Consent, suppression lists, frequency caps and quiet hours are added here
// (and nowhere else) by later issues.
#include <string>

#include "store/records.hpp"

namespace herald::engine {

struct PolicyDecision {
  bool allowed = false;
  std::string decision;  // ledger `decision`: "allowed", "no-address", ...
  std::string reason;    // for the journey failure when refused
};

PolicyDecision decideDelivery(const store::Contact& contact, const std::string& channel);

}  // namespace herald::engine
