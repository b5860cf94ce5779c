#pragma once
// The one place where Herald decides whether a message may be delivered to a
// contact on a channel. The decision is recorded in the send ledger with the
// claim, before any provider is called.
//
// In this order, the first that applies refuses the delivery:
//   "suppressed"  one of the contact's addresses is on the suppression list
//                 (erased, or `herald contacts suppress`): never, whatever the
//                 workflow says;
//   "no-address"  no email address / phone number for the channel;
//   "unsubscribed" the contact withdrew consent on the channel through an
//                 unsubscribe link (consent source kUnsubscribeSource), and
//                 the workflow requires consent;
//   "no-consent"  the workflow requires consent (settings.require_consent,
//                 the default) and the contact's current answer on the
//                 channel is not yes; no answer at all is no consent.
// Frequency caps and quiet hours are added here (and nowhere else) by later
// issues.
#include <string>

#include "store/records.hpp"

namespace herald::engine {

// The consent source the public listener records for a one-click
// unsubscribe (http/public_routes.cpp).
inline constexpr const char* kUnsubscribeSource = "unsubscribe:link";

struct PolicyDecision {
  bool allowed = false;
  std::string decision;  // ledger `decision`: "allowed", "no-address", ...
  std::string reason;    // for the journey failure when refused
};

struct DeliveryRules {
  // false for transactional workflows (receipts): consent is not asked.
  bool require_consent = true;
};

PolicyDecision decideDelivery(const store::Contact& contact, const std::string& channel,
                              const DeliveryRules& rules);

}  // namespace herald::engine
