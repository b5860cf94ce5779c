// findJsonTooDeep: the one nesting check for JSON users hand Herald.
#include "util/json_nesting.hpp"

#include <gtest/gtest.h>

#include <string>

namespace herald {
namespace {

std::string nested(int levels, std::string_view inner = "1") {
  return std::string(static_cast<size_t>(levels), '[') + std::string(inner) +
         std::string(static_cast<size_t>(levels), ']');
}

TEST(JsonNesting, TheLimitItselfIsAccepted) {
  EXPECT_EQ(findJsonTooDeep(nested(kMaxJsonNesting)), std::string_view::npos);
  EXPECT_EQ(findJsonTooDeep(nested(kMaxJsonNesting + 1)), size_t(kMaxJsonNesting));
}

TEST(JsonNesting, SiblingsDoNotAddUp) {
  std::string wide = "[";
  for (int i = 0; i < 1000; ++i) wide += (i ? "," : "") + nested(10);
  wide += "]";
  EXPECT_EQ(findJsonTooDeep(wide), std::string_view::npos);
}

TEST(JsonNesting, BracketsInStringsDoNotCount) {
  const std::string text = "{\"a\": \"" + std::string(500, '[') + "\\\"{{{\"}";
  EXPECT_EQ(findJsonTooDeep(text), std::string_view::npos);
  EXPECT_EQ(findJsonTooDeep(R"({"a": {"b": [1]}})", 2), 12u);
}

TEST(JsonNesting, AHugeDepthIsFoundWithoutRecursion) {
  const std::string deep(1'000'000, '[');
  EXPECT_EQ(findJsonTooDeep(deep), size_t(kMaxJsonNesting));
  EXPECT_NE(jsonTooDeepMessage().find("64 levels"), std::string_view::npos);
}

}  // namespace
}  // namespace herald
