#include "http/event_body.hpp"

#include <fmt/format.h>

#include "import/values.hpp"

namespace herald::http {
namespace {

constexpr size_t kMaxTypeLength = 64;
constexpr size_t kMaxIdLength = 256;
constexpr const char* kFields = "type, contact_id, external_id, email, at, properties, event_id";

bool validType(const std::string& t) {
  return !t.empty() && t.size() <= kMaxTypeLength &&
         t.find_first_not_of(
             "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-") ==
             std::string::npos;
}

// A string field of at most `max` bytes of valid UTF-8; an error otherwise.
std::optional<std::string> stringField(const nlohmann::json& v, const std::string& ptr,
                                       const char* what, size_t max,
                                       std::vector<FieldError>& errors) {
  if (!v.is_string() || v.get_ref<const std::string&>().empty()) {
    errors.push_back({ptr, fmt::format("must be a non-empty string ({}), not {}", what,
                                       v.is_string() ? "an empty one" : v.type_name())});
    return std::nullopt;
  }
  const auto& s = v.get_ref<const std::string&>();
  if (s.size() > max) {
    errors.push_back({ptr, fmt::format("must be at most {} bytes long ({})", max, what)});
    return std::nullopt;
  }
  return s;
}

void decodeOne(const nlohmann::json& obj, const std::string& base, int64_t now_ms,
               daemon::IncomingEvent& e, std::vector<FieldError>& errors) {
  if (!obj.is_object()) {
    errors.push_back({base, fmt::format("an event must be a JSON object with at least \"type\" "
                                        "and one of contact_id, external_id, email; not {}",
                                        obj.type_name())});
    return;
  }
  bool has_type = false;
  e.at_ms = now_ms;
  for (const auto& [key, v] : obj.items()) {
    const std::string ptr = base + "/" + pointerToken(key);
    if (key == "type") {
      has_type = true;
      if (!v.is_string() || !validType(v.get_ref<const std::string&>())) {
        errors.push_back({ptr, fmt::format("must be an event type of 1 to {} letters, digits, "
                                           "'_', '.', ':' or '-', e.g. \"purchase\"",
                                           kMaxTypeLength)});
      } else {
        e.type = v.get<std::string>();
      }
    } else if (key == "contact_id") {
      if (!v.is_number_integer() || v.get<int64_t>() <= 0) {
        errors.push_back({ptr, "must be a positive whole number (the contact's id in Herald)"});
      } else {
        e.contact_id = v.get<int64_t>();
      }
    } else if (key == "external_id") {
      e.external_id = stringField(v, ptr, "the contact's id in your system", kMaxIdLength, errors);
    } else if (key == "email") {
      std::string email;
      if (!v.is_string() ||
          !import::normalizeEmail(import::trim(v.get_ref<const std::string&>()), email)) {
        errors.push_back({ptr, "must be an email address such as \"ana@example.com\""});
      } else {
        e.email = std::move(email);
      }
    } else if (key == "at") {
      std::optional<int64_t> at;
      if (v.is_number_integer()) {
        at = v.get<int64_t>();
      } else if (v.is_string()) {
        if (auto t = import::parseTimestamp(v.get_ref<const std::string&>())) at = t->unix_ms;
      }
      if (!at || *at < 0) {
        errors.push_back({ptr,
                          "must be an ISO 8601 time (\"2026-11-22T09:00:00Z\") or Unix "
                          "milliseconds"});
      } else {
        e.at_ms = *at;
      }
    } else if (key == "properties") {
      if (!v.is_object()) {
        errors.push_back({ptr, fmt::format("must be a JSON object, not {}", v.type_name())});
      } else {
        e.properties = v;
      }
    } else if (key == "event_id") {
      e.event_id = stringField(v, ptr, "unique per event in your system", kMaxIdLength, errors);
    } else {
      errors.push_back({ptr, fmt::format("is not an event field; the fields are {}", kFields)});
    }
  }
  if (!has_type) {
    errors.push_back({base + "/type", "is required: the event's type, e.g. \"purchase\""});
  }
  if (!e.contact_id && !e.external_id && !e.email && !obj.contains("contact_id") &&
      !obj.contains("external_id") && !obj.contains("email")) {
    errors.push_back({base, "names no contact: give one of contact_id, external_id or email"});
  }
}

}  // namespace

EventBody decodeEventBody(const nlohmann::json& body, int64_t now_ms, int max_events) {
  EventBody out;
  if (body.is_object() && body.contains("events")) {
    out.batch = true;
    const auto& list = body["events"];
    for (const auto& [key, v] : body.items()) {
      if (key != "events") {
        out.errors.push_back(
            {"/" + pointerToken(key), "a batch has only \"events\": put the fields in each event"});
      }
    }
    if (!list.is_array() || list.empty()) {
      out.errors.push_back({"/events", "must be a non-empty array of events"});
      return out;
    }
    if (list.size() > static_cast<size_t>(max_events)) {
      out.too_many = true;
      out.errors.push_back({"/events", fmt::format("has {} events; send at most {} per request "
                                                   "(http.limits.max_batch_events)",
                                                   list.size(), max_events)});
      return out;
    }
    out.events.resize(list.size());
    for (size_t i = 0; i < list.size(); ++i) {
      decodeOne(list[i], "/events/" + std::to_string(i), now_ms, out.events[i], out.errors);
    }
    return out;
  }
  out.events.resize(1);
  decodeOne(body, "", now_ms, out.events[0], out.errors);
  return out;
}

}  // namespace herald::http
