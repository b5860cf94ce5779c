#pragma once
// The one place where Herald decides whether a message may be delivered to a
// contact on a channel now. The decision is recorded in the send ledger with
// the claim, before any provider is called.
//
// In this order, the first that applies decides:
//   "suppressed"   one of the contact's addresses is on the suppression list
//                  (erased, hard-bounced, complained, or `herald contacts
//                  suppress`): never, whatever the workflow says;
//   "no-address"   no email address / phone number for the channel;
//   "unsubscribed" the contact withdrew consent on the channel through an
//                  unsubscribe link (consent source kUnsubscribeSource), and
//                  the workflow requires consent;
//   "no-consent"   the workflow requires consent (settings.require_consent,
//                  the default) and the contact's current answer on the
//                  channel is not yes; no answer at all is no consent;
//   "capped"       the channel's frequency cap (delivery.caps): the contact
//                  got `max` marketing messages on it within `per`, across
//                  all workflows;
//   "no-timezone"  the channel has quiet hours and neither the contact nor
//                  delivery.default_timezone names a zone: its local hour is
//                  unknown, so it fails closed;
//   "quiet-hours"  the contact's local time is within the channel's quiet
//                  hours: deferred (not refused) until they end.
// A transactional workflow (settings.require_consent: false: receipts,
// password resets) asks for no consent and bypasses caps and quiet hours,
// which are marketing rules; suppression and addresses still apply.
#include <cstdint>
#include <optional>
#include <string>

#include "config/delivery_config.hpp"
#include "store/records.hpp"

namespace herald::engine {

// The consent source the public listener records for a one-click
// unsubscribe (http/public_routes.cpp).
inline constexpr const char* kUnsubscribeSource = "unsubscribe:link";

struct PolicyDecision {
  bool allowed = false;
  std::string decision;  // ledger `decision`: "allowed", "no-address", ...
  std::string reason;    // for people (run reports, `herald sends show`) when not allowed
  // Set when deferred (quiet hours): not before this time. allowed is false.
  std::optional<int64_t> defer_until_ms;

  bool deferred() const { return defer_until_ms.has_value(); }
};

struct DeliveryRules {
  // false for transactional workflows (receipts): consent is not asked, and
  // caps and quiet hours do not apply.
  bool require_consent = true;
  // The channel's rules from herald.yaml's `delivery:`; none when null.
  const config::FrequencyCap* cap = nullptr;
  const config::QuietHours* quiet_hours = nullptr;
  std::string default_timezone;  // delivery.default_timezone

  bool transactional() const { return !require_consent; }
};

// What the ledger and the clock say, read by the caller (planDeliveries).
struct DeliveryFacts {
  int64_t now_ms = 0;
  // Marketing messages the contact got on the channel within the cap's
  // window (Store::recentSends), this batch's included.
  int64_t recent_sends = 0;
};

// The rules of `channel` in `config` for a workflow that requires consent
// (or not).
DeliveryRules rulesFor(const config::DeliveryConfig& config, const std::string& channel,
                       bool require_consent);

PolicyDecision decideDelivery(const store::Contact& contact, const std::string& channel,
                              const DeliveryRules& rules, const DeliveryFacts& facts = {});

// When the quiet hours `q` in `zone_name` end, if `now_ms` is within them;
// nullopt when it is not (or the zone is unknown).
std::optional<int64_t> quietHoursEnd(const config::QuietHours& q, const std::string& zone_name,
                                     int64_t now_ms);

}  // namespace herald::engine
