#include "store/experiments.hpp"

#include <algorithm>
#include <map>

#include "store_fixture.hpp"

namespace herald::store::testing {
namespace {

class ExperimentsTest : public StoreTest {
 protected:
  ExperimentStore& exp() { return store_->experiments(); }

  static ExperimentAssignment row(int64_t contact, std::string variant,
                                  ExperimentPhase phase = ExperimentPhase::kSplit,
                                  int64_t at_ms = 1000) {
    ExperimentAssignment a;
    a.contact_id = contact;
    a.variant = std::move(variant);
    a.phase = phase;
    a.assigned_ms = at_ms;
    a.exposed_ms = at_ms;
    a.run_id = 7;
    return a;
  }

  void sent(int64_t contact, const std::string& workflow, int64_t at_ms,
            LedgerStatus status = LedgerStatus::kSent, const std::string& step = "send") {
    LedgerEntry e;
    e.key = {workflow, "rev1", step, contact, 0};
    e.channel = "email";
    e.status = status;
    e.decision = "allowed";
    e.run_id = 7;
    e.updated_ms = at_ms;
    std::vector<LedgerEntry> wanted{e};
    store_->claimDeliveries(wanted);
  }

  std::map<std::string, VariantCounts> counts(const GoalQuery& q) {
    std::map<std::string, VariantCounts> out;
    for (auto& c : exp().goalCounts("subj", q)) out[c.variant] = c;
    return out;
  }
};

void expectSameRow(const ExperimentAssignment& a, const ExperimentAssignment& b) {
  EXPECT_EQ(a.contact_id, b.contact_id);
  EXPECT_EQ(a.variant, b.variant);
  EXPECT_EQ(a.phase, b.phase);
  EXPECT_EQ(a.assigned_ms, b.assigned_ms);
  EXPECT_EQ(a.exposed_ms, b.exposed_ms);
  EXPECT_EQ(a.run_id, b.run_id);
}

TEST_F(ExperimentsTest, RegisterUpsertsByKeyAndKeepsCreated) {
  exp().registerExperiment({"subj", "winback", "r1", "split", R"({"a":1})", 100, 100});
  exp().registerExperiment({"other", "welcome", "r1", "ab", "", 150, 150});
  exp().registerExperiment({"subj", "winback", "r2", "split", R"({"a":2})", 200, 200});
  auto r = exp().experiment("subj");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->revision, "r2");
  EXPECT_EQ(r->spec, R"({"a":2})");
  EXPECT_EQ(r->created_ms, 100);
  EXPECT_EQ(r->updated_ms, 200);
  EXPECT_EQ(exp().experiment("other")->spec, "{}");
  EXPECT_FALSE(exp().experiment("nope"));
  auto all = exp().listExperiments();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].key, "subj");  // newest updated first
  EXPECT_EQ(all[1].key, "other");
}

TEST_F(ExperimentsTest, AssignKeepsTheFirstRowOfAContact) {
  std::vector<ExperimentAssignment> first{row(1, "control"), row(2, "b")};
  auto stored = exp().assign("subj", first);
  ASSERT_EQ(stored.size(), 2u);
  expectSameRow(stored[1], first[1]);
  // A rerun wanting other variants gets the stored rows back, in order.
  std::vector<ExperimentAssignment> again{
      row(3, "b"), row(2, "control", ExperimentPhase::kSplit, 5), row(1, "b")};
  stored = exp().assign("subj", again);
  ASSERT_EQ(stored.size(), 3u);
  expectSameRow(stored[0], again[0]);
  expectSameRow(stored[1], first[1]);
  expectSameRow(stored[2], first[0]);
  // Another key is another experiment.
  std::vector<ExperimentAssignment> other{row(1, "b")};
  EXPECT_EQ(exp().assign("other", other)[0].variant, "b");
  EXPECT_EQ(exp().assignments("subj").size(), 3u);
}

TEST_F(ExperimentsTest, OnlyAWaitingContactMovesAndOnlyToTheRollout) {
  std::vector<ExperimentAssignment> first{row(1, "", ExperimentPhase::kWaiting),
                                          row(2, "b", ExperimentPhase::kTest),
                                          row(3, "holdout", ExperimentPhase::kHoldout)};
  exp().assign("subj", first);
  std::vector<ExperimentAssignment> later{row(1, "b", ExperimentPhase::kRollout, 9000),
                                          row(2, "control", ExperimentPhase::kRollout, 9000),
                                          row(3, "b", ExperimentPhase::kRollout, 9000)};
  auto stored = exp().assign("subj", later);
  expectSameRow(stored[0], later[0]);
  expectSameRow(stored[1], first[1]);
  expectSameRow(stored[2], first[2]);
  // A waiting contact asked again as waiting stays waiting; a rollout stays.
  std::vector<ExperimentAssignment> rerun{row(1, "control", ExperimentPhase::kRollout, 9999)};
  expectSameRow(exp().assign("subj", rerun)[0], later[0]);
  auto rows = exp().assignments("subj");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].phase, ExperimentPhase::kRollout);
  EXPECT_EQ(rows[0].variant, "b");
}

// Crash safety: what assign() returned was committed; after the process dies
// and the database is opened again, assigning the same contacts (with any
// split) returns the same rows.
TEST_F(ExperimentsTest, AssignmentsSurviveAReopenUnchanged) {
  std::vector<ExperimentAssignment> wanted;
  for (int64_t id = 1; id <= 500; ++id) {
    wanted.push_back(row(id, id % 3 == 0 ? "b" : "control",
                         id % 5 == 0 ? ExperimentPhase::kWaiting : ExperimentPhase::kTest, id));
    if (wanted.back().phase == ExperimentPhase::kWaiting) wanted.back().variant = "";
  }
  const auto before = exp().assign("subj", wanted);
  reopen();
  std::vector<ExperimentAssignment> rerun = wanted;
  for (auto& a : rerun) {
    a.variant = "c";
    a.phase = ExperimentPhase::kTest;
    a.assigned_ms = 99999;
  }
  const auto after = store_->experiments().assign("subj", rerun);
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < before.size(); ++i) expectSameRow(after[i], before[i]);
  EXPECT_EQ(rawQuery(dbPath(), "SELECT count(*) FROM experiment_assignments"), "500");
  EXPECT_EQ(rawQuery(dbPath(), "SELECT phase FROM experiment_assignments WHERE contact_id = 5"),
            "waiting");
}

TEST_F(ExperimentsTest, TheFirstDecisionWins) {
  EXPECT_FALSE(exp().decision("subj"));
  auto d = exp().recordDecision({"subj", 5000, "winner", "b", R"({"chance":0.97})"});
  EXPECT_EQ(d.variant, "b");
  auto again = exp().recordDecision({"subj", 6000, "no_winner", "control", "{}"});
  EXPECT_EQ(again.outcome, "winner");
  EXPECT_EQ(again.variant, "b");
  EXPECT_EQ(again.decided_ms, 5000);
  reopen();
  auto stored = store_->experiments().decision("subj");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->figures, R"({"chance":0.97})");
}

TEST_F(ExperimentsTest, StoppingAVariantIsIdempotent) {
  exp().stopVariant("subj", {"b", "unsubscribe rate 2.1% > 1%", 100});
  exp().stopVariant("subj", {"b", "complaint", 200});
  exp().stopVariant("subj", {"c", "bounce rate", 300});
  exp().stopVariant("other", {"b", "x", 50});
  auto stops = exp().stoppedVariants("subj");
  ASSERT_EQ(stops.size(), 2u);
  EXPECT_EQ(stops[0].variant, "b");
  EXPECT_EQ(stops[0].reason, "unsubscribe rate 2.1% > 1%");
  EXPECT_EQ(stops[0].at_ms, 100);
  EXPECT_EQ(stops[1].variant, "c");
}

class GoalCountsTest : public ExperimentsTest {
 protected:
  void SetUp() override {
    ExperimentsTest::SetUp();
    ids_ = addContacts(6);
    // control: contacts 1-3, exposed at 1000; b: 4-5 exposed at 2000;
    // contact 6 held out.
    std::vector<ExperimentAssignment> rows{row(ids_[0], "control"),
                                           row(ids_[1], "control"),
                                           row(ids_[2], "control"),
                                           row(ids_[3], "b", ExperimentPhase::kSplit, 2000),
                                           row(ids_[4], "b", ExperimentPhase::kSplit, 2000),
                                           row(ids_[5], "holdout", ExperimentPhase::kHoldout)};
    exp().assign("subj", rows);
    auto import = store_->beginEventImport();
    auto event = [&](size_t i, const char* type, nlohmann::json props, int64_t at) {
      import->insert(Event{0, ids_[i], type, std::move(props), at, std::nullopt});
    };
    // Window [exposed, exposed + 1000).
    event(0, "purchase", {{"amount", "10.10"}, {"items", 2}}, 1000);  // first instant counts
    event(0, "purchase", {{"amount", 5}, {"items", 1}}, 1999);
    event(1, "purchase", {{"amount", 7}}, 2000);           // window end: out
    event(1, "purchase", {{"amount", 1}}, 999);            // before: out
    event(2, "purchase", nlohmann::json::object(), 1500);  // no amount: converts
    event(3, "purchase", {{"amount", 20}, {"items", 4}}, 2500);
    event(5, "purchase", {{"amount", 3}}, 1200);  // the holdout's own
    event(0, "open", {{"machine", true}}, 1100);
    event(1, "open", nlohmann::json::object(), 1100);
    event(3, "open", {{"machine", false}}, 2100);
    event(4, "open", {{"machine", true}}, 2100);
    import->commit();
    sent(ids_[0], "winback", 1000);
    sent(ids_[1], "winback", 1000);
    sent(ids_[1], "winback", 1000, LedgerStatus::kSent, "reminder");
    sent(ids_[2], "winback", 1000, LedgerStatus::kFailed);  // not sent
    sent(ids_[3], "winback", 1999);                         // before its assignment
    sent(ids_[4], "other-workflow", 2000);
    sent(ids_[4], "winback", 2000);
  }

  std::vector<int64_t> ids_;
};

TEST_F(GoalCountsTest, ConversionsInTheWindowAndSentRows) {
  GoalQuery q;
  q.event_type = "purchase";
  q.window_ms = 1000;
  q.workflow = "winback";
  auto c = counts(q);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c["control"].n, 3);
  EXPECT_EQ(c["control"].phase, ExperimentPhase::kSplit);
  EXPECT_EQ(c["control"].sent, 3);         // 1 for contact 1, 2 for contact 2, the failed row not
  EXPECT_EQ(c["control"].conversions, 2);  // contacts 1 and 3
  EXPECT_EQ(c["b"].n, 2);
  EXPECT_EQ(c["b"].sent, 1);  // contact 5's winback row; contact 4's came before assignment
  EXPECT_EQ(c["b"].conversions, 1);
  EXPECT_EQ(c["holdout"].phase, ExperimentPhase::kHoldout);
  EXPECT_EQ(c["holdout"].conversions, 1);
  EXPECT_EQ(c["holdout"].sent, 0);
  EXPECT_DOUBLE_EQ(c["control"].value_sum, 0);
  // Without a workflow nothing is counted as sent.
  q.workflow.clear();
  EXPECT_EQ(counts(q)["control"].sent, 0);
}

TEST_F(GoalCountsTest, AmountValuesArePerRecipientSums) {
  GoalQuery q;
  q.event_type = "purchase";
  q.window_ms = 1000;
  q.value_property = "amount";
  auto c = counts(q);
  // control: 15.10, 0, 0 per recipient; b: 20, 0.
  EXPECT_EQ(c["control"].conversions, 2);
  EXPECT_NEAR(c["control"].value_sum, 15.10, 1e-12);
  EXPECT_NEAR(c["control"].value_sum_sq, 15.10 * 15.10, 1e-9);
  EXPECT_NEAR(c["b"].value_sum, 20, 1e-12);
  EXPECT_NEAR(c["b"].value_sum_sq, 400, 1e-9);
  // Another property of the event's JSON.
  q.value_property = "items";
  c = counts(q);
  EXPECT_DOUBLE_EQ(c["control"].value_sum, 3);
  EXPECT_DOUBLE_EQ(c["control"].value_sum_sq, 9);
  EXPECT_DOUBLE_EQ(c["b"].value_sum, 4);
}

TEST_F(GoalCountsTest, MachineOpensAreLeftOutWhenAsked) {
  GoalQuery q;
  q.event_type = "open";
  q.window_ms = 1000;
  EXPECT_EQ(counts(q)["control"].conversions, 2);
  EXPECT_EQ(counts(q)["b"].conversions, 2);
  q.skip_machine = true;
  EXPECT_EQ(counts(q)["control"].conversions, 1);  // contact 2's open
  EXPECT_EQ(counts(q)["b"].conversions, 1);        // machine: false counts
}

// Recipients spread thinly among contacts with many events (the report seeks
// in the events index) and densely in a block (it steps through it): the
// counts equal those worked out here event by event.
TEST_F(ExperimentsTest, GoalCountsAgreeWithABruteForceCountSparseAndDense) {
  const auto ids = addContacts(400);
  struct Ev {
    int64_t contact, at_ms;
    const char* type;
    int64_t cents;
    bool machine;
  };
  std::vector<Ev> evs;
  {
    auto import = store_->beginEventImport();
    for (size_t i = 0; i < ids.size(); ++i) {
      for (int k = 0; k < 30; ++k) {
        const bool purchase = (i + static_cast<size_t>(k)) % 3 == 0;
        Ev e{ids[i], 500 + static_cast<int64_t>((i * 7 + static_cast<size_t>(k) * 131) % 3000),
             purchase ? "purchase" : "open", static_cast<int64_t>(100 + k * 5 + i % 7),
             !purchase && k % 4 == 0};
        nlohmann::json props = nlohmann::json::object();
        if (purchase) props["amount"] = static_cast<double>(e.cents) / 100.0;
        if (e.machine) props["machine"] = true;
        import->insert(Event{0, e.contact, e.type, props, e.at_ms, std::nullopt});
        evs.push_back(e);
      }
    }
    import->commit();
  }
  std::vector<ExperimentAssignment> rows;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i % 37 == 0 || (i >= 100 && i < 140)) {
      rows.push_back(row(ids[i], i % 2 ? "b" : "control", ExperimentPhase::kSplit,
                         1000 + static_cast<int64_t>(i % 500)));
      if (i % 3 == 0) sent(ids[i], "winback", 2000);
    }
  }
  exp().assign("subj", rows);

  for (int shape = 0; shape < 3; ++shape) {
    GoalQuery q;
    q.event_type = shape == 2 ? "open" : "purchase";
    q.window_ms = 700;
    q.workflow = "winback";
    if (shape == 1) q.value_property = "amount";
    q.skip_machine = shape == 2;
    std::map<std::string, VariantCounts> want;
    for (const auto& a : rows) {
      auto& w = want[a.variant];
      ++w.n;
      const auto i = std::find(ids.begin(), ids.end(), a.contact_id) - ids.begin();
      if (i % 3 == 0) ++w.sent;  // as sent above
      bool hit = false;
      double v = 0;
      for (const auto& e : evs) {
        if (e.contact != a.contact_id || std::string(e.type) != q.event_type) continue;
        if (e.at_ms < a.exposed_ms || e.at_ms >= a.exposed_ms + q.window_ms) continue;
        if (q.skip_machine && e.machine) continue;
        hit = true;
        v += static_cast<double>(e.cents) / 100.0;
      }
      if (hit) ++w.conversions;
      if (shape == 1) {
        w.value_sum += v;
        w.value_sum_sq += v * v;
      }
    }
    auto got = counts(q);
    ASSERT_EQ(got.size(), want.size()) << "shape " << shape;
    for (auto& [variant, w] : want) {
      SCOPED_TRACE("shape " + std::to_string(shape) + " variant " + variant);
      EXPECT_EQ(got[variant].n, w.n);
      EXPECT_EQ(got[variant].sent, w.sent);
      EXPECT_EQ(got[variant].conversions, w.conversions);
      EXPECT_NEAR(got[variant].value_sum, w.value_sum, 1e-9);
      EXPECT_NEAR(got[variant].value_sum_sq, w.value_sum_sq, 1e-6);
    }
  }
}

// The winner's rollout opens windows later than any test contact's: its
// goal events are counted there.
TEST_F(GoalCountsTest, ARolloutsLaterWindowCounts) {
  const auto late = addContacts(8).back();
  std::vector<ExperimentAssignment> waiting{row(late, "", ExperimentPhase::kWaiting)};
  exp().assign("subj", waiting);
  {
    auto import = store_->beginEventImport();
    import->insert(Event{0, late, "purchase", {{ "amount", 9 }}, 9500, std::nullopt});
    import->commit();
  }
  GoalQuery q;
  q.event_type = "purchase";
  q.window_ms = 1000;
  q.value_property = "amount";
  auto before = exp().goalCounts("subj", q);
  std::vector<ExperimentAssignment> rollout{row(late, "b", ExperimentPhase::kRollout, 9000)};
  exp().assign("subj", rollout);
  int64_t waiting_n = 0, rollout_conversions = 0;
  double rollout_value = 0;
  for (const auto& c : before)
    if (c.phase == ExperimentPhase::kWaiting) waiting_n += c.n;
  for (const auto& c : exp().goalCounts("subj", q)) {
    if (c.phase != ExperimentPhase::kRollout) continue;
    rollout_conversions += c.conversions;
    rollout_value += c.value_sum;
  }
  EXPECT_EQ(waiting_n, 1);
  EXPECT_EQ(rollout_conversions, 1);
  EXPECT_DOUBLE_EQ(rollout_value, 9);
}

// One pass for several goals (a report's goal and guardrails) gives what
// each goal's own call gives, whatever the goals share.
TEST_F(GoalCountsTest, ABatchEqualsTheGoalsOneByOne) {
  std::vector<GoalQuery> goals(5);
  goals[0].event_type = "purchase";
  goals[0].window_ms = 1000;
  goals[0].value_property = "amount";
  goals[0].workflow = "winback";
  goals[1] = goals[0];  // the same events, another window, no value
  goals[1].window_ms = 600;
  goals[1].value_property.reset();
  goals[2].event_type = "open";
  goals[2].window_ms = 1000;
  goals[2].skip_machine = true;
  goals[2].workflow = "other-workflow";
  goals[3] = goals[2];
  goals[3].skip_machine = false;
  goals[3].workflow = "winback";
  goals[4].event_type = "purchase";
  goals[4].window_ms = 1000;
  goals[4].value_property = "items";
  const auto batch = exp().goalCountsBatch("subj", goals);
  ASSERT_EQ(batch.size(), goals.size());
  for (size_t g = 0; g < goals.size(); ++g) {
    SCOPED_TRACE("goal " + std::to_string(g));
    const auto one = exp().goalCounts("subj", goals[g]);
    ASSERT_EQ(batch[g].size(), one.size());
    for (size_t i = 0; i < one.size(); ++i) {
      EXPECT_EQ(batch[g][i].variant, one[i].variant);
      EXPECT_EQ(batch[g][i].phase, one[i].phase);
      EXPECT_EQ(batch[g][i].n, one[i].n);
      EXPECT_EQ(batch[g][i].sent, one[i].sent);
      EXPECT_EQ(batch[g][i].conversions, one[i].conversions);
      EXPECT_DOUBLE_EQ(batch[g][i].value_sum, one[i].value_sum);
      EXPECT_DOUBLE_EQ(batch[g][i].value_sum_sq, one[i].value_sum_sq);
    }
  }
  EXPECT_EQ(batch[2][0].sent + batch[2][1].sent + batch[2][2].sent, 1);  // other-workflow's row
  EXPECT_TRUE(exp().goalCountsBatch("nope", goals).at(4).empty());
}

TEST_F(GoalCountsTest, AnUnknownExperimentHasNoCounts) {
  GoalQuery q;
  q.event_type = "purchase";
  q.window_ms = 1000;
  EXPECT_TRUE(exp().goalCounts("nope", q).empty());
}

}  // namespace
}  // namespace herald::store::testing
