// appendJsonString: the one hand-written JSON string writer (import rows,
// rendered step configs, stored tags).
#include "util/json_text.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace herald {
namespace {

TEST(AppendJsonString, EscapesLikeJson) {
  std::string out;
  appendJsonString(out, "a\"b\\c\nd\te\x01 é 한 \xF0\x9F\x98\x80 \xC0\xAF \xED\xA0\x80");
  EXPECT_EQ(out,
            "\"a\\\"b\\\\c\\nd\\te\\u0001 é 한 \xF0\x9F\x98\x80 \xEF\xBF\xBD\xEF\xBF\xBD "
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
  EXPECT_TRUE(nlohmann::json::accept(out));
}

TEST(AppendJsonString, PlainTextAndEdgesOfSequences) {
  std::string out;
  appendJsonString(out, "");
  EXPECT_EQ(out, "\"\"");
  out.clear();
  appendJsonString(out, "Northwind\r\x1f");
  EXPECT_EQ(out, "\"Northwind\\r\\u001f\"");
  out.clear();
  appendJsonString(out, "cut \xE2\x82");  // a sequence cut off at the end
  EXPECT_EQ(out, "\"cut \xEF\xBF\xBD\xEF\xBF\xBD\"");
  out.clear();
  appendJsonString(out, "\xF4\x90\x80\x80 \xF4\x8F\xBF\xBF");  // past U+10FFFF, the last one
  EXPECT_EQ(out, "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD \xF4\x8F\xBF\xBF\"");
  EXPECT_TRUE(nlohmann::json::accept(out));
}

}  // namespace
}  // namespace herald
