#include "http/event_body.hpp"

#include <gtest/gtest.h>

#include "http/json_body.hpp"
#include "util/json_nesting.hpp"

namespace herald::http {
namespace {

EventBody decode(const std::string& text, int max = 1000) {
  auto j = parseJsonBody(text);
  EXPECT_TRUE(j.value) << j.error;
  return decodeEventBody(*j.value, 5000, max);
}

TEST(EventBody, OneEvent) {
  auto b = decode(R"({"type":"purchase","email":"Ana@Example.com","at":"2026-01-02T03:04:05Z",
                      "properties":{"amount":3},"event_id":"o-1"})");
  ASSERT_TRUE(b.errors.empty());
  ASSERT_EQ(b.events.size(), 1u);
  EXPECT_FALSE(b.batch);
  EXPECT_EQ(*b.events[0].email, "ana@example.com");
  EXPECT_EQ(b.events[0].at_ms, 1767323045000);
  EXPECT_EQ(b.events[0].properties["amount"], 3);
  EXPECT_EQ(*b.events[0].event_id, "o-1");
}

TEST(EventBody, TimeDefaultsToNow) {
  auto b = decode(R"({"type":"x","contact_id":7})");
  EXPECT_EQ(b.events[0].at_ms, 5000);
  EXPECT_EQ(*b.events[0].contact_id, 7);
}

TEST(EventBody, FieldErrorsNameTheirPointer) {
  auto b = decode(R"({"events":[{"type":"ok","external_id":"c1"},
                                {"type":"bad type!","contact_id":"7","at":"yesterday","colour":1}]})");
  ASSERT_EQ(b.errors.size(), 4u);
  EXPECT_EQ(b.errors[0].pointer, "/events/1/at");
  EXPECT_NE(b.errors[0].detail.find("ISO 8601"), std::string::npos);
  EXPECT_EQ(b.errors[1].pointer, "/events/1/colour");
  EXPECT_NE(b.errors[1].detail.find("the fields are type, contact_id"), std::string::npos);
  EXPECT_EQ(b.errors[2].pointer, "/events/1/contact_id");
  EXPECT_EQ(b.errors[2].detail, "must be a positive whole number (the contact's id in Herald)");
  EXPECT_EQ(b.errors[3].pointer, "/events/1/type");
}

TEST(EventBody, MissingTypeAndContact) {
  auto b = decode(R"({"properties":[]})");
  ASSERT_EQ(b.errors.size(), 3u);
  EXPECT_EQ(b.errors[0].pointer, "/properties");
  EXPECT_EQ(b.errors[0].detail, "must be a JSON object, not array");
  EXPECT_EQ(b.errors[1].pointer, "/type");
  EXPECT_EQ(b.errors[2].pointer, "");
  EXPECT_EQ(b.errors[2].detail, "names no contact: give one of contact_id, external_id or email");
}

TEST(EventBody, BatchLimits) {
  auto b = decode(R"({"events":[{"type":"a","contact_id":1},{"type":"a","contact_id":1}]})", 1);
  EXPECT_TRUE(b.too_many);
  EXPECT_EQ(b.errors[0].pointer, "/events");
  EXPECT_EQ(b.errors[0].detail,
            "has 2 events; send at most 1 per request (http.limits.max_batch_events)");
  EXPECT_EQ(decode(R"({"events":[]})").errors[0].detail, "must be a non-empty array of events");
  EXPECT_EQ(decode(R"([1])").errors[0].detail,
            "an event must be a JSON object with at least \"type\" and one of contact_id, "
            "external_id, email; not array");
}

TEST(JsonBody, RefusesDeepNestingAndBadJson) {
  std::string deep(kMaxJsonNesting + 1, '[');
  auto j = parseJsonBody(deep);
  EXPECT_FALSE(j.value);
  EXPECT_EQ(j.error, "the JSON nests deeper than 64 levels (byte 65); flatten the document");
  EXPECT_TRUE(parseJsonBody(
                  R"({"a":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})")
                  .value);
  auto bad = parseJsonBody(R"({"type": })");
  EXPECT_FALSE(bad.value);
  EXPECT_EQ(bad.error.rfind("the body is not valid JSON: parse error at line 1, column 10", 0), 0u)
      << bad.error;
  EXPECT_EQ(parseJsonBody("[1E99999]").error,
            "the body is not valid JSON: number overflow parsing '1E99999'");
  EXPECT_EQ(parseJsonBody("").error,
            "the body is empty; send a JSON document (Content-Type: application/json)");
}

}  // namespace
}  // namespace herald::http
