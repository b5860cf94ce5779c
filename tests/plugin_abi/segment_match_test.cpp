// ABI 1.1 segment rules through the real host: the x-segment field of a C
// plugin (segmenty.so) is parsed when the step is created, with its mistakes
// at FILE:LINE:COL, and host->segment_match() answers from a real SQLite
// store under the host's store lock.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <filesystem>

#include "expected_refusals.hpp"
#include "plugin/registry.hpp"
#include "store/store.hpp"
#include "util/log.hpp"

namespace herald::plugin {
namespace {

using herald::testing::brokenPath;
using nlohmann::json;
using ::testing::HasSubstr;

SourcePos at(int line, int col) { return SourcePos{"wf.yaml", line, col}; }

// `with:` of a step as the workflow loader records it:
//   5:  with:
//   6:    rule: {tags: {hass: vip}}
const std::map<std::string, SourcePos> kPositions = {
    {"", at(5, 5)},
    {"/rule#key", at(6, 7)},
    {"/rule", at(6, 13)},
    {"/rule/tags#key", at(6, 14)},
    {"/rule/tags", at(6, 20)},
    {"/rule/tags/hass#key", at(6, 21)},
    {"/rule/tags/has#key", at(6, 21)},
    {"/rule/tags/hass", at(6, 27)},
    {"/rule/tags/has", at(6, 26)},
};

StepSetup setup() {
  StepSetup s;
  s.positions = &kPositions;
  s.fallback = at(5, 5);
  s.timezone = "Europe/Berlin";
  return s;
}

struct Batch {
  std::vector<herald_contact> contacts;
  std::vector<const herald_contact*> pointers;
  herald_batch batch{};
  explicit Batch(const std::vector<int64_t>& ids) : contacts(ids.size()), pointers(ids.size()) {
    for (size_t i = 0; i < ids.size(); ++i) {
      herald_contact& c = contacts[i];
      c.struct_size = sizeof c;
      c.id = ids[i];
      c.attributes_json = "{}";
      c.tags_json = "[]";
      c.vars_json = "{}";
      c.config_json = "{}";
      pointers[i] = &c;
    }
    batch.struct_size = sizeof batch;
    batch.run_id = "1";
    batch.workflow = "w";
    batch.revision = "r";
    batch.step_id = "s1";
    batch.now_ms = 1'772'366'400'000;  // 2026-03-01T12:00:00Z
    batch.count = ids.size();
    batch.contacts = pointers.data();
  }
};

BatchResult runOnce(StepInstance& inst, const herald_batch& batch) {
  boost::asio::io_context io;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  BatchResult result;
  inst.runBatch(batch, std::chrono::seconds(30), io, [&](BatchResult r) {
    std::lock_guard lock(mu);
    result = std::move(r);
    done = true;
    cv.notify_all();
  });
  io.run();
  std::unique_lock lock(mu);
  cv.wait_for(lock, std::chrono::seconds(10), [&] { return done; });
  EXPECT_TRUE(done);
  return result;
}

class SegmentMatch : public ::testing::Test {
 protected:
  void SetUp() override {
    log::setSink([this](const std::string& line) {
      std::lock_guard lock(mu_);
      lines_.push_back(line);
    });
    ASSERT_TRUE(reg_.loadFile(brokenPath("segmenty.so")));
  }
  void TearDown() override {
    log::setSink(nullptr);
    if (!db_.empty()) std::filesystem::remove(db_);
  }

  std::string logged() {
    std::lock_guard lock(mu_);
    std::string all;
    for (const auto& l : lines_) all += l + "\n";
    return all;
  }

  Registry reg_;
  std::string db_;
  std::mutex mu_;
  std::vector<std::string> lines_;
};

TEST_F(SegmentMatch, TheStepTypeDeclaresItsBranches) {
  const StepTypeInfo* t = reg_.find("segmenty.pick");
  ASSERT_NE(t, nullptr);
  EXPECT_THAT(t->branches, ::testing::ElementsAre("match", "else"));
}

TEST_F(SegmentMatch, ABadRuleIsAProblemAtItsOwnPlace) {
  const auto problems =
      reg_.checkConfig("segmenty.pick", "s1", {{"rule", {{"tags", {{"hass", "vip"}}}}}}, setup());
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(problems[0].json_pointer, "/rule");
  ASSERT_TRUE(problems[0].pos.has_value()) << problems[0].message;
  EXPECT_EQ(problems[0].pos->file, "wf.yaml");
  EXPECT_EQ(problems[0].pos->line, 6);
  EXPECT_THAT(problems[0].message, HasSubstr("hass"));
  std::vector<ConfigProblem> again;
  EXPECT_EQ(reg_.instantiate("segmenty.pick", "s1", {{"rule", {{"tags", {{"hass", "vip"}}}}}},
                             again, setup()),
            nullptr);
  EXPECT_FALSE(again.empty());
}

TEST_F(SegmentMatch, AGoodRuleIsAcceptedAndANamedSegmentNeedsALibrary) {
  EXPECT_TRUE(
      reg_.checkConfig("segmenty.pick", "s1", {{"rule", {{"tags", {{"has", "vip"}}}}}}, setup())
          .empty());
  const auto problems =
      reg_.checkConfig("segmenty.pick", "s1", {{"rule", {{"segment", "lapsed"}}}}, setup());
  ASSERT_FALSE(problems.empty());
  EXPECT_THAT(problems[0].message, HasSubstr("lapsed"));
}

TEST_F(SegmentMatch, WithoutAStoreTheCallIsUnsupported) {
  std::vector<ConfigProblem> problems;
  auto inst = reg_.instantiate("segmenty.pick", "s1", {{"rule", {{"tags", {{"has", "vip"}}}}}},
                               problems, setup());
  ASSERT_NE(inst, nullptr) << (problems.empty() ? "" : problems[0].message);
  Batch b({1, 2});
  BatchResult r = runOnce(*inst, b.batch);
  EXPECT_FALSE(r.ok);
  EXPECT_THAT(r.error, HasSubstr("segment_match status 4"));
  // The pointer that is not an x-segment field was refused and logged.
  EXPECT_THAT(logged(), HasSubstr("asked segment_match() for '/nope', which is not an x-segment "
                                  "field of this step (its x-segment fields: '/rule') (plugin "
                                  "bug)"));
}

// Waits on the store's segmentMatch (core/store/sqlite/segments.cpp).
TEST_F(SegmentMatch, TheStoreAnswersForTheBatch) {
  db_ = (std::filesystem::temp_directory_path() /
         ("herald_segment_match_" + std::to_string(getpid()) + ".db"))
            .string();
  std::filesystem::remove(db_);
  auto store = store::openSqliteStore(db_);
  std::vector<int64_t> ids;
  {
    auto import = store->beginContactImport();
    for (int i = 1; i <= 4; ++i) {
      store::Contact c;
      c.external_id = "c" + std::to_string(i);
      c.email = "c" + std::to_string(i) + "@example.com";
      if (i % 2 == 1) c.tags = {"vip"};
      ids.push_back(import->upsert(c));
    }
    import->commit();
  }
  reg_.setStore(store.get());
  std::vector<ConfigProblem> problems;
  auto inst = reg_.instantiate("segmenty.pick", "s1", {{"rule", {{"tags", {{"has", "vip"}}}}}},
                               problems, setup());
  ASSERT_NE(inst, nullptr);
  // Any order, and a contact the store does not know (it matches nothing).
  Batch b({ids[3], ids[0], 999, ids[2], ids[1]});
  BatchResult r = runOnce(*inst, b.batch);
  reg_.setStore(nullptr);
  ASSERT_TRUE(r.ok) << r.error;
  std::vector<std::string> labels;
  for (const auto& o : r.outcomes) {
    labels.push_back(o.branch);
    EXPECT_EQ(o.vars["wrong_pointer_status"], HERALD_ERR_INVALID);
  }
  EXPECT_THAT(labels, ::testing::ElementsAre("else", "match", "else", "match", "else"));
}

}  // namespace
}  // namespace herald::plugin
