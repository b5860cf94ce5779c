// The segment step through the fake host: filter and branch on the matches
// host->segment_match() reports, and what happens when it cannot answer.
#include <gtest/gtest.h>

#include <herald/testing.hpp>

namespace {

using herald::testing::Host;
using herald::testing::Plugin;
using herald::testing::TestContact;
using nlohmann::json;

const Plugin& plugin() {
  static const Plugin p = Plugin::load(SEGMENT_PLUGIN_FILE);
  return p;
}

const json kRule = {{"tags", {{"has", "vip"}}}};

std::vector<TestContact> contacts() {
  return {{.id = 1, .segments = {{"/rule", true}}},
          {.id = 2, .segments = {{"/rule", false}}},
          {.id = 3},  // not listed: no match
          {.id = 4, .segments = {{"/rule", true}}}};
}

TEST(SegmentPlugin, DescriptorDeclaresBothTypesAndTheBranches) {
  EXPECT_TRUE(plugin().problems().empty());
  const herald_step_type* branch = plugin().find("segment.branch");
  ASSERT_NE(branch, nullptr);
  ASSERT_NE(branch->branches, nullptr);
  EXPECT_STREQ(branch->branches[0], "match");
  EXPECT_STREQ(branch->branches[1], "else");
  EXPECT_EQ(branch->branches[2], nullptr);
  const herald_step_type* filter = plugin().find("segment.filter");
  ASSERT_NE(filter, nullptr);
  EXPECT_EQ(filter->branches, nullptr);  // a filter never branches
  for (const herald_step_type* t : {branch, filter}) {
    const json schema = json::parse(t->config_schema);
    EXPECT_EQ(schema["properties"]["rule"]["x-segment"], true);
    EXPECT_EQ(schema["required"], json::array({"rule"}));
  }
}

TEST(SegmentPlugin, FilterLetsMatchesContinueAndOthersExit) {
  Host host;
  auto& step = host.create(plugin(), "segment.filter", {{"rule", kRule}});
  ASSERT_TRUE(step.ok()) << step.diagnosticsText();
  auto r = step.run(contacts());
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.outcomes.size(), 4u);
  EXPECT_EQ(r.outcomes[0].kind, HERALD_OUTCOME_CONTINUE);
  EXPECT_EQ(r.outcomes[1].kind, HERALD_OUTCOME_EXIT);
  EXPECT_EQ(r.outcomes[1].reason, "not in segment");
  EXPECT_EQ(r.outcomes[2].kind, HERALD_OUTCOME_EXIT);
  EXPECT_EQ(r.outcomes[3].kind, HERALD_OUTCOME_CONTINUE);
  EXPECT_EQ(host.counter("matched_total"), 2.0);
  EXPECT_EQ(host.counter("unmatched_total"), 2.0);
  EXPECT_EQ(host.segmentMatchCalls(), 1);  // one query per batch
  EXPECT_TRUE(host.bugs().empty());
}

TEST(SegmentPlugin, BranchSendsMatchesAndOthersApart) {
  Host host;
  auto& step = host.create(plugin(), "segment.branch", {{"rule", json::array({kRule})}});
  ASSERT_TRUE(step.ok()) << step.diagnosticsText();
  auto r = step.run(contacts());
  ASSERT_TRUE(r.ok()) << r.error;
  std::vector<std::string> labels;
  for (const auto& o : r.outcomes) {
    EXPECT_EQ(o.kind, HERALD_OUTCOME_BRANCH);
    labels.push_back(o.branch);
  }
  EXPECT_EQ(labels, (std::vector<std::string>{"match", "else", "else", "match"}));
  EXPECT_TRUE(host.bugs().empty());
}

TEST(SegmentPlugin, EmptyBatch) {
  Host host;
  auto& step = host.create(plugin(), "segment.branch", {{"rule", kRule}});
  auto r = step.run({});
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_TRUE(r.outcomes.empty());
}

TEST(SegmentPlugin, NoStoreFailsTheBatchRetryably) {
  Host host;
  host.setSegmentStatus(HERALD_ERR_UNSUPPORTED);
  auto& step = host.create(plugin(), "segment.filter", {{"rule", kRule}});
  auto r = step.run(contacts());
  EXPECT_TRUE(r.completed);
  EXPECT_NE(r.status, HERALD_OK);
  EXPECT_EQ(r.error,
            "this Herald cannot evaluate segments here (no store, or an ABI older than 1.1)");
}

TEST(SegmentPlugin, StoreFailureFailsTheBatch) {
  Host host;
  host.setSegmentStatus(HERALD_ERR_INTERNAL);
  auto& step = host.create(plugin(), "segment.branch", {{"rule", kRule}});
  auto r = step.run(contacts());
  EXPECT_NE(r.status, HERALD_OK);
  EXPECT_EQ(r.error, "the segment rule could not be evaluated (see the log)");
}

}  // namespace
