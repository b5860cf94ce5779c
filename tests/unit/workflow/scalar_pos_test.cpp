#include "workflow/scalar_pos.hpp"

#include <gtest/gtest.h>

namespace herald::workflow {
namespace {

std::string at(const std::string& src, int line, int col, size_t offset) {
  const SourcePos p = positionInScalar(src, {"f", line, col}, offset);
  return std::to_string(p.line) + ":" + std::to_string(p.column);
}

TEST(ScalarPos, PlainSingleLine) { EXPECT_EQ(at("if: a == b\n", 1, 5, 2), "1:7"); }

TEST(ScalarPos, Quoted) {
  EXPECT_EQ(at("if: \"a == 'b'\"\n", 1, 5, 5), "1:11");
  EXPECT_EQ(at("if: 'a == ''b'''\n", 1, 5, 6), "1:13");  // '' is one character
  EXPECT_EQ(at("if: \"\\\"x\\\" == y\"\n", 1, 5, 4), "1:12");
}

TEST(ScalarPos, MultiLineFlowScalarsFold) {
  const std::string src = "if: a == b\n  and c\n";
  EXPECT_EQ(at(src, 1, 5, 11), "2:7");  // "a == b and c": offset 11 is the c
  EXPECT_EQ(at(src, 1, 5, 7), "2:3");
}

TEST(ScalarPos, BlockScalars) {
  const std::string src = "if: >\n  a == b\n  and c\n";
  EXPECT_EQ(at(src, 1, 5, 0), "2:3");
  EXPECT_EQ(at(src, 1, 5, 11), "3:7");
  const std::string lit = "if: |\n    x\n    yz\n";
  EXPECT_EQ(at(lit, 1, 5, 3), "3:6");
}

TEST(ScalarPos, EndOfValue) { EXPECT_EQ(at("if: ab\n", 1, 5, 2), "1:7"); }

}  // namespace
}  // namespace herald::workflow
