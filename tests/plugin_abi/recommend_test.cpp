// ABI 1.2 recommendations through the real host: host->recommend() of a C
// plugin (recommendy.so) answers from the run's Recommender (RunServices)
// over a real SQLite store, refuses a count out of range, and says
// unsupported when the batch has no run services; a plugin built for ABI
// 1.1 (abi_v11.so) still runs on this host.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <filesystem>

#include "expected_refusals.hpp"
#include "plugin/registry.hpp"
#include "recommend/recommender.hpp"
#include "store/store.hpp"
#include "util/log.hpp"

namespace herald::plugin {
namespace {

using herald::testing::brokenPath;
using nlohmann::json;
using ::testing::HasSubstr;

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
    batch.now_ms = 1'772'366'400'000;
    batch.count = ids.size();
    batch.contacts = pointers.data();
  }
};

BatchResult runOnce(StepInstance& inst, const herald_batch& batch, const RunServices& services) {
  boost::asio::io_context io;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  BatchResult result;
  inst.runBatch(
      batch, std::chrono::seconds(30), io,
      [&](BatchResult r) {
        std::lock_guard lock(mu);
        result = std::move(r);
        done = true;
        cv.notify_all();
      },
      services);
  io.run();
  std::unique_lock lock(mu);
  cv.wait_for(lock, std::chrono::seconds(10), [&] { return done; });
  EXPECT_TRUE(done);
  return result;
}

class Recommend : public ::testing::Test {
 protected:
  void SetUp() override {
    log::setSink([this](const std::string& line) {
      std::lock_guard lock(mu_);
      lines_.push_back(line);
    });
    ASSERT_TRUE(reg_.loadFile(brokenPath("recommendy.so")));
    ASSERT_TRUE(reg_.loadFile(brokenPath("abi_v11.so")));
  }
  void TearDown() override {
    reg_.setStore(nullptr);
    log::setSink(nullptr);
    if (!db_.empty()) std::filesystem::remove(db_);
  }

  std::unique_ptr<StepInstance> make(const std::string& type, const json& config) {
    std::vector<ConfigProblem> problems;
    auto inst = reg_.instantiate(type, "s1", config, problems);
    EXPECT_TRUE(problems.empty()) << problems.at(0).message;
    return inst;
  }

  std::unique_ptr<store::Store> openStore() {
    db_ = (std::filesystem::temp_directory_path() /
           ("herald_recommend_" + std::to_string(getpid()) + ".db"))
              .string();
    std::filesystem::remove(db_);
    return store::openSqliteStore(db_);
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

TEST_F(Recommend, WithoutRunServicesTheCallIsUnsupported) {
  auto inst = make("recommendy.ask", {{"count", 3}});
  ASSERT_NE(inst, nullptr);
  Batch b({1, 2});
  const BatchResult r = runOnce(*inst, b.batch, RunServices{});
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.outcomes.size(), 2u);
  EXPECT_EQ(r.outcomes[0].vars["status"], HERALD_ERR_UNSUPPORTED);
  EXPECT_EQ(r.outcomes[0].vars["all"], json());
  EXPECT_EQ(r.outcomes[0].vars["zero_status"], HERALD_ERR_INVALID);
  EXPECT_THAT(logged(), HasSubstr("plugin 'recommendy' (step type 'recommendy.ask') asked "
                                  "recommend() for 0 products per contact; ask for 1 to 50 "
                                  "(plugin bug)"));
}

TEST_F(Recommend, ACountAbove50IsRefused) {
  auto inst = make("recommendy.ask", {{"count", 51}});
  Batch b({1});
  const BatchResult r = runOnce(*inst, b.batch, RunServices{});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.outcomes[0].vars["status"], HERALD_ERR_INVALID);
  EXPECT_THAT(logged(), HasSubstr("asked recommend() for 51 products per contact; ask for 1 to "
                                  "50 (plugin bug)"));
}

// Waits on the Recommender (core/recommend): one list per contact, in batch
// order, whatever the store holds.
TEST_F(Recommend, TheRunsRecommenderAnswersForEveryContactInOrder) {
  auto store = openStore();
  std::vector<int64_t> ids;
  {
    auto import = store->beginContactImport();
    for (int i = 1; i <= 3; ++i) {
      store::Contact c;
      c.external_id = "c" + std::to_string(i);
      c.email = "c" + std::to_string(i) + "@example.com";
      ids.push_back(import->upsert(c));
    }
    import->commit();
  }
  reg_.setStore(store.get());
  RunServices services;
  services.recommender = std::make_shared<recommend::Recommender>(*store);
  auto inst = make("recommendy.ask", {{"count", 2}});
  Batch b({ids[2], ids[0], ids[1]});
  const BatchResult r = runOnce(*inst, b.batch, services);
  ASSERT_TRUE(r.ok) << r.error;
  const json& v = r.outcomes.at(0).vars;
  ASSERT_EQ(v["status"], HERALD_OK) << logged();
  ASSERT_TRUE(v["all"].is_array());
  ASSERT_EQ(v["all"].size(), 3u);
  for (const auto& list : v["all"]) {
    EXPECT_TRUE(list.is_array());
    EXPECT_LE(list.size(), 2u);
  }
}

TEST_F(Recommend, AnAbi11PluginRunsOnThisHost) {
  auto inst = make("v11.step", json::object());
  ASSERT_NE(inst, nullptr);
  Batch b({1, 2});
  const BatchResult r = runOnce(*inst, b.batch, RunServices{});
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.outcomes.size(), 2u);
  EXPECT_EQ(r.outcomes[0].branch, "seen");
  EXPECT_EQ(r.outcomes[0].vars["host_abi"], "1." + std::to_string(HERALD_ABI_MINOR));
  EXPECT_EQ(r.outcomes[0].vars["has_segment_match"], true);
}

// Its outcomes are 1.2's size (no retry_after_ms): the host reads them so.
TEST_F(Recommend, AnAbi12PluginRunsOnThisHost) {
  ASSERT_TRUE(reg_.loadFile(brokenPath("abi_v12.so")));
  auto inst = make("v12.step", json::object());
  ASSERT_NE(inst, nullptr);
  Batch b({1, 2});
  const BatchResult r = runOnce(*inst, b.batch, RunServices{});
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.outcomes.size(), 2u);
  EXPECT_EQ(r.outcomes[1].kind, HERALD_OUTCOME_CONTINUE);
  EXPECT_EQ(r.outcomes[1].vars["host_abi"], "1." + std::to_string(HERALD_ABI_MINOR));
  EXPECT_EQ(r.outcomes[1].vars["has_recommend"], true);
}

}  // namespace
}  // namespace herald::plugin
