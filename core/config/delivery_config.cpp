#include "config/delivery_config.hpp"

#include <optional>

#include "config/section_reader.hpp"
#include "util/time_zone.hpp"

namespace herald::config {
namespace {

// "HH:MM" -> minutes after midnight.
std::optional<int> minuteOfDay(const std::string& s) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  for (size_t i : {0, 1, 3, 4})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  const int h = (s[0] - '0') * 10 + (s[1] - '0');
  const int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

// The channels a cap or quiet hours may name: those the policy knows an
// address of, so a typo ("sms " or "e-mail") is an error, not a rule that
// never applies.
const std::set<std::string> kChannels = {"email", "sms", "phone", "whatsapp"};

}  // namespace

std::optional<QuietHours> parseQuietHours(const std::string& text) {
  const auto dash = text.find('-');
  if (dash == std::string::npos) return std::nullopt;
  const auto start = minuteOfDay(text.substr(0, dash));
  const auto end = minuteOfDay(text.substr(dash + 1));
  if (!start || !end || *start == *end) return std::nullopt;
  return QuietHours{*start, *end};
}

namespace {

// delivery.caps.CHANNEL: {max: N, per: DURATION}, or off.
void readCap(SectionReader& r, const std::string& channel, const YAML::Node& c,
             DeliveryConfig& out) {
  const std::string what = "delivery.caps." + channel;
  if (c.IsScalar() && (c.Scalar() == "off" || c.Scalar() == "none")) {
    out.caps.erase(channel);
    return;
  }
  FrequencyCap cap;
  bool has_max = false, has_per = false;
  r.mapping(c, what, {"max", "per"}, [&](const std::string& f, const YAML::Node& x) {
    if (f == "max") {
      has_max = true;
      r.wholeNumber(x, what + ".max", 0, 10000, cap.max);
    } else {
      has_per = true;
      r.duration(x, what + ".per", cap.per);
    }
  });
  if (!c.IsMap()) return;  // reported by mapping()
  if (!has_max || !has_per) {
    r.error(c, what +
                   " needs both max and per, e.g. {max: 3, per: 7d} (at most 3 messages in any 7 "
                   "days), or off");
    return;
  }
  out.caps[channel] = cap;
}

// delivery.quiet_hours.CHANNEL: "HH:MM-HH:MM", or off.
void readQuietHours(SectionReader& r, const std::string& channel, const YAML::Node& q,
                    DeliveryConfig& out) {
  const std::string what = "delivery.quiet_hours." + channel;
  auto s = r.scalar(q, what);
  if (!s) return;
  if (*s == "off" || *s == "none") {
    out.quiet_hours.erase(channel);
  } else if (auto hours = parseQuietHours(*s)) {
    out.quiet_hours[channel] = *hours;
  } else {
    r.error(q, what +
                   " must be a local time range HH:MM-HH:MM such as \"21:00-08:00\" (nothing "
                   "leaves from 21:00 until 08:00), or off; got '" +
                   *s + "'");
  }
}

}  // namespace

void parseDeliverySection(const YAML::Node& node, const std::filesystem::path& file,
                          DeliveryConfig& out, Diagnostics& diags) {
  SectionReader r(file, diags);
  r.mapping(node, "delivery", {"caps", "quiet_hours", "default_timezone"},
            [&](const std::string& key, const YAML::Node& v) {
              if (key == "caps") {
                r.mapping(v, "delivery.caps", kChannels,
                          [&](const std::string& channel, const YAML::Node& c) {
                            readCap(r, channel, c, out);
                          });
              } else if (key == "quiet_hours") {
                r.mapping(v, "delivery.quiet_hours", kChannels,
                          [&](const std::string& channel, const YAML::Node& q) {
                            readQuietHours(r, channel, q, out);
                          });
              } else if (auto s = r.scalar(v, "delivery.default_timezone")) {
                if (isKnownTimeZone(*s))
                  out.default_timezone = *s;
                else
                  r.error(v, "delivery.default_timezone: unknown time zone '" + *s + "'; " +
                                 timeZoneHint(*s));
              }
            });
}

}  // namespace herald::config
