#pragma once
// The body of POST /api/v1/events, decoded and checked: one event object, or
// {"events": [event, ...]} for a batch. An event:
//   {"type": "purchase",                  required; letters, digits, _ . : -
//    "contact_id": 42 | "external_id": "c-42" | "email": "a@example.com",
//    "at": "2026-11-22T09:00:00Z" | 1795338000000,   optional: now
//    "properties": {...},                 optional
//    "event_id": "order-1234"}            optional: a retry with it is not stored twice
// Every problem names its field by JSON pointer ("/events/3/type").
#include <string_view>
#include <vector>

#include "daemon/control.hpp"
#include "http/problem.hpp"

namespace herald::http {

struct EventBody {
  std::vector<daemon::IncomingEvent> events;
  bool batch = false;              // posted as {"events": [...]}
  std::vector<FieldError> errors;  // nothing is ingested when any
  bool too_many = false;           // more than max_events: 413
};

EventBody decodeEventBody(const nlohmann::json& body, int64_t now_ms, int max_events);

}  // namespace herald::http
