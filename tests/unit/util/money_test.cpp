// Amounts as exact micro-units, read from decimal text.
#include "util/money.hpp"

#include <gtest/gtest.h>

namespace herald::money {
namespace {

TEST(Money, ReadsDecimalTextExactly) {
  EXPECT_EQ(unitsOfText("66.70"), 66'700'000);
  EXPECT_EQ(unitsOfText("-3"), -3'000'000);
  EXPECT_EQ(unitsOfText("0.1"), 100'000);
  EXPECT_EQ(unitsOfText("1.5e2"), 150'000'000);
  EXPECT_EQ(unitsOfText("1E-6"), 1);
  EXPECT_EQ(unitsOfText("\"12.50\""), 12'500'000);  // a JSON string holding a number
  EXPECT_EQ(unitsOfText("0"), 0);
  EXPECT_EQ(unitsOfText("000.000"), 0);
  EXPECT_EQ(unitsOfText("9000000000000"), 9'000'000'000'000 * kUnitsPerWhole);
}

TEST(Money, RoundsPastTheSixthDecimalHalfAwayFromZero) {
  EXPECT_EQ(unitsOfText("12.3456785"), 12'345'679);
  EXPECT_EQ(unitsOfText("12.3456784999"), 12'345'678);
  EXPECT_EQ(unitsOfText("-0.0000005"), -1);
  EXPECT_EQ(unitsOfText("0.0000004"), 0);
  EXPECT_EQ(unitsOfText("1e-30"), 0);
}

TEST(Money, RefusesWhatIsNotANumberOrOutOfRange) {
  for (const char* bad : {"", "abc", "1.2.3", "12,50", "--1", "1e", ".", "\"\"", "1 ", "0x10"}) {
    EXPECT_EQ(unitsOfText(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(unitsOfText("9000000000000.000001"), std::nullopt);
  EXPECT_EQ(unitsOfText("1e300"), std::nullopt);
  EXPECT_EQ(unitsOfThreshold(nlohmann::json(1e300)), 9'000'000'000'000 * kUnitsPerWhole);
  EXPECT_EQ(unitsOfThreshold(nlohmann::json(-1e300)), -9'000'000'000'000 * kUnitsPerWhole);
  EXPECT_EQ(unitsOfThreshold(nlohmann::json("80")), std::nullopt);
}

TEST(Money, JsonNumbersThroughTheirShortestText) {
  EXPECT_EQ(unitsOf(nlohmann::json(66.7)), 66'700'000);
  EXPECT_EQ(unitsOf(nlohmann::json(0.1)), 100'000);
  EXPECT_EQ(unitsOf(nlohmann::json(200)), 200'000'000);
  EXPECT_EQ(unitsOf(nlohmann::json("80.00")), 80'000'000);
  EXPECT_EQ(unitsOf(nlohmann::json(true)), std::nullopt);
  EXPECT_EQ(unitsOf(nlohmann::json::array()), std::nullopt);
}

TEST(Money, AveragesRoundHalfAwayFromZero) {
  EXPECT_EQ(averageUnits(240'000'000, 3), 80'000'000);
  EXPECT_EQ(averageUnits(10, 4), 3);  // 2.5 -> 3
  EXPECT_EQ(averageUnits(-10, 4), -3);
  EXPECT_EQ(averageUnits(10, 3), 3);  // 3.33 -> 3
  EXPECT_EQ(averageUnits(5, 0), 0);
}

TEST(Money, WritesUnitsBackAsTheShortestDecimal) {
  EXPECT_EQ(textOfUnits(200'000'000), "200");
  EXPECT_EQ(textOfUnits(66'700'000), "66.7");
  EXPECT_EQ(textOfUnits(-1), "-0.000001");
  EXPECT_EQ(textOfUnits(0), "0");
}

}  // namespace
}  // namespace herald::money
