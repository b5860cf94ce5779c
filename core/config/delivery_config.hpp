#pragma once
// The `delivery:` section of herald.yaml: the marketing rules the one
// delivery policy (core/engine/delivery_policy) applies on top of consent
// and suppression, per channel.
//
//   delivery:
//     default_timezone: Europe/Berlin   # for contacts without a time zone
//     caps:                             # at most `max` messages per rolling `per`
//       email: {max: 3, per: 7d}
//       sms: {max: 2, per: 7d}
//     quiet_hours:                      # local time of the contact; wraps midnight
//       sms: "21:00-08:00"              # the default; `off` sends at any hour
//       email: off                      # the default
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "util/diagnostic.hpp"

namespace herald::config {

struct FrequencyCap {
  int max = 0;  // messages allowed in any window of `per`
  std::chrono::milliseconds per{0};
};

// Minutes after local midnight: a delivery due in [start, end) waits until
// `end`. start > end spans midnight (21:00-08:00).
struct QuietHours {
  int start_minute = 0;
  int end_minute = 0;
};

struct DeliveryConfig {
  std::map<std::string, FrequencyCap> caps;  // by channel; none: no cap
  std::map<std::string, QuietHours> quiet_hours = {{"sms", {21 * 60, 8 * 60}}};
  // The zone of contacts without one; "" = none: a channel with quiet hours
  // then refuses them ("no-timezone"), since their local hour is unknown.
  std::string default_timezone;
};

void parseDeliverySection(const YAML::Node& node, const std::filesystem::path& file,
                          DeliveryConfig& out, Diagnostics& diags);

// "21:00-08:00" -> {1260, 480}; nullopt when malformed or empty (start == end).
std::optional<QuietHours> parseQuietHours(const std::string& text);

}  // namespace herald::config
