#include "engine/delivery_policy.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/clock.hpp"
#include "util/time_zone.hpp"

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

std::string hhmm(int minute) { return fmt::format("{:02}:{:02}", minute / 60, minute % 60); }

// "7d", "36h", "90m": a cap's window as people wrote it.
std::string window(std::chrono::milliseconds per) {
  const int64_t ms = per.count();
  if (ms % 86'400'000 == 0) return std::to_string(ms / 86'400'000) + "d";
  if (ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  return std::to_string(ms / 60'000) + "m";
}

// Suppression, address and consent: the rules that hold for every message.
std::optional<PolicyDecision> refusedByLaw(const store::Contact& contact,
                                           const std::string& channel, const DeliveryRules& rules) {
  if (contact.suppressed_ms) {
    return PolicyDecision{false, "suppressed",
                          "contact is on the suppression list (erased, bounced, complained, or "
                          "suppressed with 'herald contacts suppress'); nothing is delivered to "
                          "them",
                          std::nullopt};
  }
  // A channel Herald does not know an address field for is the plugin's
  // business (e.g. a webhook step): no address to check here.
  const std::optional<std::string>* address = nullptr;
  if (channel == "email") address = &contact.email;
  if (channel == "sms" || channel == "phone" || channel == "whatsapp") address = &contact.phone;
  if (address && !present(*address)) {
    return PolicyDecision{false, "no-address",
                          "contact has no " +
                              std::string(channel == "email" ? "email address" : "phone number") +
                              " for the " + channel + " channel",
                          std::nullopt};
  }
  if (!rules.require_consent) return std::nullopt;
  const store::Consent* k = currentConsent(contact, channel);
  if (k == nullptr) {
    return PolicyDecision{false, "no-consent",
                          "contact has no consent for the " + channel +
                              " channel (import consent_" + channel +
                              "=yes, or set require_consent: false for transactional messages)",
                          std::nullopt};
  }
  if (!k->granted && k->source == kUnsubscribeSource) {
    return PolicyDecision{
        false, "unsubscribed",
        "contact unsubscribed from the " + channel + " channel through a link in a message",
        std::nullopt};
  }
  if (!k->granted) {
    return PolicyDecision{false, "no-consent",
                          "contact said no to the " + channel + " channel (" + k->source + ")",
                          std::nullopt};
  }
  return std::nullopt;
}

}  // namespace

DeliveryRules rulesFor(const config::DeliveryConfig& config, const std::string& channel,
                       bool require_consent) {
  DeliveryRules rules;
  rules.require_consent = require_consent;
  if (auto it = config.caps.find(channel); it != config.caps.end()) rules.cap = &it->second;
  if (auto it = config.quiet_hours.find(channel); it != config.quiet_hours.end())
    rules.quiet_hours = &it->second;
  rules.default_timezone = config.default_timezone;
  return rules;
}

std::optional<int64_t> quietHoursEnd(const config::QuietHours& q, const std::string& zone_name,
                                     int64_t now_ms) {
  const date::time_zone* zone = findTimeZone(zone_name);
  if (!zone) return std::nullopt;
  using std::chrono::milliseconds;
  const date::sys_time<milliseconds> now{milliseconds(now_ms)};
  const auto local = zone->to_local(now);
  const auto day = date::floor<date::days>(local);
  const int minute =
      static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(local - day).count());
  const bool wraps = q.start_minute > q.end_minute;
  const bool quiet = wraps ? (minute >= q.start_minute || minute < q.end_minute)
                           : (minute >= q.start_minute && minute < q.end_minute);
  if (!quiet) return std::nullopt;
  // The end is today, unless the window spans midnight and it began today.
  const auto end_day = (wraps && minute >= q.start_minute) ? day + date::days(1) : day;
  const date::local_time<milliseconds> end_local{end_day + std::chrono::minutes(q.end_minute)};
  return localToSys(*zone, end_local).time_since_epoch().count();
}

PolicyDecision decideDelivery(const store::Contact& contact, const std::string& channel,
                              const DeliveryRules& rules, const DeliveryFacts& facts) {
  if (auto refused = refusedByLaw(contact, channel, rules)) return *refused;
  if (rules.transactional()) return {true, "allowed", "", std::nullopt};
  if (rules.cap && facts.recent_sends >= rules.cap->max) {
    return {false, "capped",
            fmt::format("frequency cap: the contact already got {} {} message{} in the last {} "
                        "(delivery.caps.{}: at most {})",
                        facts.recent_sends, channel, facts.recent_sends == 1 ? "" : "s",
                        window(rules.cap->per), channel, rules.cap->max),
            std::nullopt};
  }
  if (rules.quiet_hours) {
    const config::QuietHours& q = *rules.quiet_hours;
    const std::string zone = present(contact.timezone) ? *contact.timezone : rules.default_timezone;
    if (!findTimeZone(zone)) {
      return {false, "no-timezone",
              fmt::format("the {} channel is quiet {}-{} in the contact's local time, and the "
                          "contact has no{} time zone (set the contact's timezone, or "
                          "delivery.default_timezone in herald.yaml)",
                          channel, hhmm(q.start_minute), hhmm(q.end_minute),
                          zone.empty() ? "" : " known"),
              std::nullopt};
    }
    if (auto until = quietHoursEnd(q, zone, facts.now_ms)) {
      return {false, "quiet-hours",
              fmt::format("quiet hours {}-{} in {}: deferred until {}", hhmm(q.start_minute),
                          hhmm(q.end_minute), zone, formatIsoTime(*until)),
              until};
    }
  }
  return {true, "allowed", "", std::nullopt};
}

}  // namespace herald::engine
