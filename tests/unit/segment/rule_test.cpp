// The RFM grid (docs/workflows.md) and the operator names.
#include "segment/rule.hpp"

#include <gtest/gtest.h>

#include <set>

namespace herald::segment {
namespace {

TEST(Rfm, NamesInDocumentedOrder) {
  EXPECT_EQ(rfmSegmentNames(),
            (std::vector<std::string>{"champions", "loyal", "potential_loyalists", "new",
                                      "promising", "need_attention", "about_to_sleep", "at_risk",
                                      "cannot_lose", "hibernating", "lost"}));
}

TEST(Rfm, GridByRecencyAndFm) {
  // FM = (F + M + 1) / 2: (1,1) -> 1, (2,2) -> 2, (3,3) -> 3, (4,3) -> 4, (5,5) -> 5.
  const std::pair<int, int> fm[6] = {{0, 0}, {1, 1}, {2, 2}, {3, 3}, {4, 3}, {5, 5}};
  const char* expected[6][6] = {
      {},
      {"", "lost", "lost", "at_risk", "at_risk", "cannot_lose"},                     // R=1
      {"", "hibernating", "hibernating", "at_risk", "at_risk", "cannot_lose"},       // R=2
      {"", "about_to_sleep", "about_to_sleep", "need_attention", "loyal", "loyal"},  // R=3
      {"", "promising", "potential_loyalists", "potential_loyalists", "loyal", "loyal"},
      {"", "new", "potential_loyalists", "potential_loyalists", "champions", "champions"},
  };
  for (int r = 1; r <= 5; ++r)
    for (int i = 1; i <= 5; ++i)
      EXPECT_EQ(rfmSegmentOf(r, fm[i].first, fm[i].second), expected[r][i])
          << "R=" << r << " FM=" << i;
  // F and M count equally: FM = (1 + 2 + 1) / 2 = 2.
  EXPECT_EQ(rfmSegmentOf(5, 1, 2), "potential_loyalists");
  EXPECT_EQ(rfmSegmentOf(5, 2, 1), "potential_loyalists");
  EXPECT_EQ(rfmSegmentOf(5, 5, 4), "champions");  // FM = 5
  EXPECT_EQ(rfmSegmentOf(2, 5, 4), "cannot_lose");
  EXPECT_EQ(rfmSegmentOf(2, 4, 4), "at_risk");  // FM = 4
}

TEST(Rfm, EveryNamedSegmentIsReachable) {
  std::set<std::string> seen;
  for (int r = 1; r <= 5; ++r)
    for (int f = 1; f <= 5; ++f)
      for (int m = 1; m <= 5; ++m) seen.insert(rfmSegmentOf(r, f, m));
  EXPECT_EQ(seen.size(), rfmSegmentNames().size());
}

}  // namespace
}  // namespace herald::segment
