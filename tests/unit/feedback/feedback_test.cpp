// core/feedback over a real SQLite file. The fixture's figures are computed
// by hand below (counts, NPS, its multinomial interval, the difference).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "feedback/group_keys.hpp"
#include "feedback/report.hpp"
#include "feedback/report_json.hpp"
#include "feedback/responses.hpp"
#include "feedback/segments.hpp"
#include "util/clock.hpp"

namespace herald::feedback {
namespace {

namespace fs = std::filesystem;
constexpr double kZ = 1.959963984540054;  // 95%

int64_t at(const std::string& iso) { return *parseIsoTime(iso); }

class FeedbackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("herald-feedback-" + std::to_string(rd()));
    fs::create_directories(dir_);
    store_ = store::openSqliteStore((dir_ / "herald.db").string());
    auto imp = store_->beginContactImport();
    for (int i = 1; i <= 6; ++i) {
      store::Contact c;
      c.external_id = "C" + std::to_string(i);
      c.email = "c" + std::to_string(i) + "@example.com";
      if (i <= 2) c.tags = {"vip"};
      ids_.push_back(imp->upsert(c));
    }
    imp->commit();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  void answer(int contact, const std::string& when, nlohmann::json props) {
    auto imp = store_->beginEventImport();
    store::Event e;
    e.contact_id = ids_[contact - 1];
    e.type = "survey_response";
    e.at_ms = at(when);
    props.emplace("survey", "post");
    props.emplace("workflow", "wf");
    props.emplace("revision", "r1");
    props.emplace("step", "ask");
    e.properties = std::move(props);
    imp->insert(e);
    imp->commit();
  }

  void sql(const std::string& text) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "herald.db").string().c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db, text.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
    sqlite3_close(db);
  }

  // The fixture: variant A = 10, 9, 3 (P2 D1); variant B = 8, 10 (2 replaced
  // by 10, same send), 0 (P1 Pa1 D1); two CSAT answers 4 and 2 without a
  // variant; two invalid answers (11 on nps, an unknown scale).
  void fixture() {
    answer(1, "2026-10-30T10:00:00Z",
           {{"score", 10}, {"scale", "nps"}, {"variant", "A"}, {"send", "s1"}});
    answer(2, "2026-11-02T10:00:00Z",
           {{"score", 9}, {"scale", "nps"}, {"variant", "A"}, {"send", "s2"}});
    answer(3, "2026-11-03T10:00:00Z",
           {{"score", 3},
            {"scale", "nps"},
            {"variant", "A"},
            {"send", "s3"},
            {"comment", "too slow"}});
    answer(4, "2026-11-04T10:00:00Z",
           {{"score", 8}, {"scale", "nps"}, {"variant", "B"}, {"send", "s4"}});
    answer(5, "2026-11-05T10:00:00Z",
           {{"score", 2}, {"scale", "nps"}, {"variant", "B"}, {"send", "s5"}, {"comment", "bad"}});
    answer(5, "2026-11-06T10:00:00Z",
           {{"score", 10}, {"scale", "nps"}, {"variant", "B"}, {"send", "s5"}});
    answer(6, "2026-11-07T10:00:00Z",
           {{"score", 0},
            {"scale", "nps"},
            {"variant", "B"},
            {"send", "s6"},
            {"comment", "=HYPERLINK(\"x\")"}});
    answer(2, "2026-11-08T10:00:00Z", {{"score", 4}, {"scale", "csat"}, {"send", "x2"}});
    answer(3, "2026-11-09T10:00:00Z", {{"score", 2}, {"scale", "csat"}, {"send", "x3"}});
    answer(4, "2026-11-10T10:00:00Z", {{"score", 11}, {"scale", "nps"}, {"send", "bad1"}});
    answer(4, "2026-11-10T11:00:00Z", {{"score", 3}, {"scale", "stars"}, {"send", "bad2"}});
    // 10 messages sent by wf/ask, 2 failed (not counted).
    for (int i = 1; i <= 12; ++i) {
      sql("INSERT INTO send_ledger(workflow, revision, step_id, contact_id, occurrence, channel, "
          "status, decision, run_id, created_ms, updated_ms) VALUES ('wf', 'r1', 'ask', " +
          std::to_string(i) + ", 0, 'email', '" + (i <= 10 ? "sent" : "failed") +
          "', 'allowed', 1, 0, 0)");
    }
  }

  Report report(Grouping by) {
    ReportOptions o;
    o.filter.survey = "post";
    o.by = by;
    return buildReport(*store_, o);
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  std::vector<int64_t> ids_;
};

TEST_F(FeedbackTest, KeepsTheLatestAnswerPerSend) {
  fixture();
  const auto kept = keptResponses(*store_, {"post", "", std::nullopt, std::nullopt});
  EXPECT_EQ(kept.responses.size(), 8u);
  EXPECT_EQ(kept.replaced, 1);
  EXPECT_EQ(kept.invalid, 2);
  int seen_s5 = 0;
  for (const auto& r : kept.responses) {
    if (r.send == "s5") {
      ++seen_s5;
      EXPECT_EQ(*r.score, 10);
      EXPECT_EQ(r.contact_external_id, "C5");
      EXPECT_EQ(r.contact_email, "c5@example.com");
    }
  }
  EXPECT_EQ(seen_s5, 1);
  // The history stays in the events.
  EXPECT_EQ(store_->eventsOf(ids_[4]).size(), 2u);
}

TEST_F(FeedbackTest, ByVariantMatchesHandComputedFigures) {
  fixture();
  const auto r = report(Grouping::kVariant);
  ASSERT_EQ(r.groups.size(), 3u);  // A, B in name order, then "(none)"
  const Group& a = r.groups[0];
  const Group& b = r.groups[1];
  const Group& none = r.groups[2];
  EXPECT_EQ(none.name, "(none)");
  EXPECT_EQ(a.name, "A");
  EXPECT_EQ(b.name, "B");

  EXPECT_EQ(a.n, 3);
  EXPECT_EQ(a.promoters, 2);
  EXPECT_EQ(a.passives, 0);
  EXPECT_EQ(a.detractors, 1);
  EXPECT_NEAR(a.nps.score, 100.0 / 3, 1e-9);
  // Var(pP - pD) = (2/3 + 1/3 - (1/3)^2) / 3
  const double se_a = 100 * std::sqrt((1.0 - 1.0 / 9) / 3);
  EXPECT_NEAR(a.nps.ci.low, 100.0 / 3 - kZ * se_a, 1e-6);
  EXPECT_NEAR(a.nps.ci.high, 100.0, 1e-9);  // clipped

  EXPECT_EQ(b.n, 3);
  EXPECT_EQ(b.promoters, 1);  // the replaced 2 is now a 10
  EXPECT_EQ(b.passives, 1);
  EXPECT_EQ(b.detractors, 1);
  EXPECT_NEAR(b.nps.score, 0.0, 1e-9);
  const double se_b = 100 * std::sqrt((2.0 / 3) / 3);
  EXPECT_NEAR(b.nps.ci.low, -kZ * se_b, 1e-6);
  EXPECT_NEAR(b.nps.ci.high, kZ * se_b, 1e-6);

  // B against A; "(none)" (no NPS answers) has no NPS, so no difference.
  EXPECT_FALSE(none.nps.defined);
  ASSERT_TRUE(b.nps_vs_first.has_value());
  EXPECT_NEAR(b.nps_vs_first->score, -100.0 / 3, 1e-9);
  ASSERT_TRUE(none.nps_vs_first.has_value());
  EXPECT_FALSE(none.nps_vs_first->defined);
  EXPECT_EQ(none.csat.n, 2);
  EXPECT_NEAR(none.csat.percent, 50.0, 1e-9);
  // Wilson, n = 2, p = 0.5
  const double half = kZ * std::sqrt(0.25 / 2 + kZ * kZ / 16) / (1 + kZ * kZ / 2);
  EXPECT_NEAR(none.csat.ci.low, 100 * (0.5 - half), 1e-6);
  EXPECT_NEAR(none.csat.ci.high, 100 * (0.5 + half), 1e-6);
  // A variant is not on the ledger: no response rate.
  EXPECT_FALSE(a.response_rate.has_value());
}

TEST_F(FeedbackTest, DifferenceFromTheFirstGroupHasItsInterval) {
  fixture();
  ReportOptions o;
  o.filter.survey = "post";
  o.by = Grouping::kVariant;
  // Only NPS answers: A first, B second.
  o.filter.until_ms = at("2026-11-08T00:00:00Z");
  const auto r = buildReport(*store_, o);
  ASSERT_EQ(r.groups.size(), 2u);
  const auto& d = *r.groups[1].nps_vs_first;
  const double se = 100 * std::sqrt((1.0 - 1.0 / 9) / 3 + (2.0 / 3) / 3);
  EXPECT_NEAR(d.score, -100.0 / 3, 1e-9);
  EXPECT_NEAR(d.ci.low, -100.0 / 3 - kZ * se, 1e-6);
  EXPECT_NEAR(d.ci.high, -100.0 / 3 + kZ * se, 1e-6);
  EXPECT_FALSE(r.groups[0].nps_vs_first.has_value());
}

TEST_F(FeedbackTest, OverallHasTheResponseRate) {
  fixture();
  const auto r = report(Grouping::kNone);
  ASSERT_EQ(r.groups.size(), 1u);
  const Group& g = r.groups[0];
  EXPECT_EQ(g.n, 8);
  EXPECT_EQ(g.promoters, 3);
  EXPECT_EQ(g.passives, 1);
  EXPECT_EQ(g.detractors, 2);
  EXPECT_NEAR(g.nps.score, 100.0 / 6, 1e-9);
  EXPECT_EQ(g.satisfied, 1);
  ASSERT_TRUE(g.sent.has_value());
  EXPECT_EQ(*g.sent, 10);
  EXPECT_NEAR(*g.response_rate, 0.8, 1e-12);
  EXPECT_EQ(r.replaced, 1);
  EXPECT_EQ(r.invalid, 2);
  // Detractors' comments, newest first; the replaced "bad" is gone.
  ASSERT_EQ(r.detractor_comments.size(), 2u);
  EXPECT_EQ(r.detractor_comments[0].contact, "C6");
  EXPECT_EQ(r.detractor_comments[1].contact, "C3");
  EXPECT_EQ(r.detractor_comments[1].comment, "too slow");
}

TEST_F(FeedbackTest, CommentsAreCapped) {
  fixture();
  ReportOptions o;
  o.max_comments = 1;
  const auto r = buildReport(*store_, o);
  ASSERT_EQ(r.detractor_comments.size(), 1u);
  EXPECT_EQ(r.comments_left_out, 1);
}

TEST_F(FeedbackTest, ByMonthAndWeek) {
  fixture();
  const auto m = report(Grouping::kMonth);
  ASSERT_EQ(m.groups.size(), 2u);
  EXPECT_EQ(m.groups[0].name, "2026-10");
  EXPECT_EQ(m.groups[0].n, 1);
  EXPECT_EQ(m.groups[1].name, "2026-11");
  EXPECT_EQ(m.groups[1].n, 7);
  EXPECT_EQ(weekOf(at("2027-01-01T12:00:00Z")), "2026-W53");
  EXPECT_EQ(weekOf(at("2026-11-02T00:00:00Z")), "2026-W45");
  EXPECT_EQ(monthOf(at("2026-12-31T23:59:59Z")), "2026-12");
}

TEST_F(FeedbackTest, ByStepHasTheResponseRate) {
  fixture();
  const auto r = report(Grouping::kStep);
  ASSERT_EQ(r.groups.size(), 1u);
  EXPECT_EQ(r.groups[0].name, "wf/ask");
  EXPECT_NEAR(*r.groups[0].response_rate, 0.8, 1e-12);
}

TEST_F(FeedbackTest, BySegmentCountsEachContactInEachSegment) {
  fixture();
  fs::create_directories(dir_ / "segments");
  std::ofstream(dir_ / "segments" / "vips.yaml") << "name: vips\nrule:\n  tags: {has: vip}\n";
  std::ofstream(dir_ / "segments" / "everyone.yaml")
      << "name: everyone\nrule:\n  suppressed: false\n";
  ReportOptions o;
  o.filter.survey = "post";
  o.by = Grouping::kSegment;
  o.segments = resolveSegments(*store_, (dir_ / "segments").string(), {"vips", "everyone"},
                               at("2026-12-01T00:00:00Z"));
  const auto r = buildReport(*store_, o);
  ASSERT_EQ(r.groups.size(), 2u);
  EXPECT_EQ(r.groups[0].name, "vips");
  EXPECT_EQ(r.groups[0].n, 3);  // C1 10, C2 9, C2 csat 4
  EXPECT_EQ(r.groups[0].promoters, 2);
  EXPECT_EQ(r.groups[1].name, "everyone");
  EXPECT_EQ(r.groups[1].n, 8);

  try {
    resolveSegments(*store_, (dir_ / "segments").string(), {"nope"}, 0);
    FAIL() << "no error";
  } catch (const BadParameter& e) {
    EXPECT_EQ(e.parameter, "segment");
    EXPECT_STREQ(e.what(), ("no segment named 'nope' in " + (dir_ / "segments").string() +
                            " (known: everyone, vips)")
                               .c_str());
  }
  try {
    resolveSegments(*store_, (dir_ / "segments").string(), {}, 0);
    FAIL() << "no error";
  } catch (const BadParameter& e) {
    EXPECT_STREQ(e.what(), "grouping by segment needs at least one segment name");
  }
}

TEST_F(FeedbackTest, UnknownSurveyIsAnEmptyReportThatSaysSo) {
  fixture();
  ReportOptions o;
  o.filter.survey = "nope";
  const auto r = buildReport(*store_, o);
  EXPECT_EQ(r.responses, 0);
  EXPECT_TRUE(r.groups.empty());
  EXPECT_EQ(r.note, "no answers to survey 'nope' match");
  const auto j = toJson(r);
  EXPECT_EQ(j["note"], "no answers to survey 'nope' match");
  EXPECT_TRUE(j["groups"].empty());
}

TEST_F(FeedbackTest, JsonHasOneObjectPerGroupAndNullForUndefined) {
  fixture();
  const auto j = toJson(report(Grouping::kVariant));
  ASSERT_EQ(j["groups"].size(), 3u);
  EXPECT_TRUE(j["groups"][2]["nps"]["score"].is_null());
  EXPECT_TRUE(j["groups"][2]["nps_difference"]["score"].is_null());
  EXPECT_EQ(j["groups"][0]["group"], "A");
  EXPECT_EQ(j["groups"][0]["nps"]["promoters"], 2);
  EXPECT_TRUE(j["groups"][0]["nps_difference"].is_null());
  EXPECT_EQ(j["difference_from"], "A");
  EXPECT_EQ(j["by"], "variant");
  EXPECT_EQ(j["replaced"], 1);
}

TEST(FeedbackOptions, UserMistakesSayWhatIsValid) {
  try {
    parseGrouping("colour");
    FAIL() << "no error";
  } catch (const BadParameter& e) {
    EXPECT_EQ(e.parameter, "by");
    EXPECT_STREQ(e.what(),
                 "unknown grouping 'colour': use one of variant, segment, month, week, step, "
                 "workflow");
  }
  try {
    parseReportTime("since", "yesterday");
    FAIL() << "no error";
  } catch (const BadParameter& e) {
    EXPECT_EQ(e.parameter, "since");
    EXPECT_STREQ(e.what(), "'yesterday' is not a date: use 2026-11-01 or 2026-11-01T09:00:00Z");
  }
  EXPECT_EQ(parseGrouping("week"), Grouping::kWeek);
  EXPECT_EQ(parseGrouping(""), Grouping::kNone);
}

}  // namespace
}  // namespace herald::feedback
