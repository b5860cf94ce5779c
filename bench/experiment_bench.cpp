// herald-experiment-bench: the experiment report benchmark of
// docs/PERFORMANCE.md (issue 14).
//
//   herald-experiment-bench --db FILE [--contacts N] [--events M] [--repeat K] [--seed S]
//   herald-experiment-bench --db FILE --herald-only [--repeat K]   # the report alone
//   herald-experiment-bench --data-version
//
// When FILE does not exist it is made first, through the Store as Herald
// writes it: N contacts (bulk contact import), M events (the bulk event
// import: one transaction, prepared statements, indexes built once at the
// end), N assignments of the experiment "winback-subject" split 50/30/20
// between control, b and c by the sticky hash (ExperimentStore::assign), and
// N `sent` ledger rows of the workflow "winback" (one email per recipient).
// Events: 10% purchases with an amount, 40% opens (a fifth flagged as machine
// opens), 15% clicks, 30% page views, 0.5% unsubscribes, 0.2% complaints,
// 4.3% carts; contacts uniform, times uniform over the 30 days before and
// after the send.
//
// Then it times, in this one process and alternating, median of --repeat
// rounds after one warm-up of each, the counts of goals over a 7-day window:
// a purchase as a conversion, an open with machine opens left out, and the
// counts the experiment's report needs (revenue per recipient, and the
// unsubscribe and complaint guardrails); then the whole report
// (experiment::buildReport) beside the sum of the hand-written queries for
// its counts. Herald's side is
// ExperimentStore::goalCounts(); the reference is the same counts written by hand in SQL two ways
// and run through the sqlite3 C API on the same file with the same page cache: the faster of the
// two is the reference. The counts must be identical (exit 1 otherwise). Goals: Herald <= 2 s and
// within 1.5x of the reference; missing one is reported, not an error.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "experiment/assignment.hpp"
#include "experiment/report.hpp"
#include "experiment/spec.hpp"
#include "store/experiments.hpp"
#include "store/store.hpp"

namespace {

using herald::store::ExperimentAssignment;
using herald::store::ExperimentPhase;
using herald::store::GoalQuery;
using herald::store::VariantCounts;

constexpr const char* kKey = "winback-subject";
constexpr const char* kWorkflow = "winback";
constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kSendMs = 1'748'736'000'000;  // 2025-06-01T00:00:00Z
constexpr int64_t kWindowMs = 7 * kDayMs;
// The experiment step's `with`, as the report reads it: 50/30/20, revenue
// per recipient within 7 days, two guardrails.
constexpr const char* kSpec = R"({"key": "winback-subject",
  "variants": [{"name": "control", "weight": 50}, {"name": "b", "weight": 30},
               {"name": "c", "weight": 20}],
  "goal": {"event": "purchase", "within": "7d", "value": "amount"},
  "guardrails": ["unsubscribe", "complained"]})";
// Bumped whenever generate() makes different data: bench/experiment.sh keeps
// a database only while this stays the same (--data-version prints it).
constexpr int kDataVersion = 3;

[[noreturn]] void fail(const std::string& why) {
  std::cerr << "herald-experiment-bench: " << why << '\n';
  std::exit(2);
}

struct Args {
  std::string db;
  int64_t contacts = 1'000'000;
  int64_t events = 10'000'000;
  int repeat = 5;
  uint64_t seed = 42;
  bool herald_only = false;  // only Herald's side, for a profiler
};

int64_t positive(std::string_view flag, const std::string& text) {
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v < 1) {
    fail(std::string(flag) + " wants a positive integer, not '" + text + "'");
  }
  return v;
}

Args parseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) fail(std::string(arg) + " needs a value");
      return argv[++i];
    };
    if (arg == "--db") {
      a.db = value();
    } else if (arg == "--data-version") {
      std::printf("%d\n", kDataVersion);
      std::exit(0);
    } else if (arg == "--contacts") {
      a.contacts = positive(arg, value());
    } else if (arg == "--events") {
      a.events = positive(arg, value());
    } else if (arg == "--repeat") {
      a.repeat = static_cast<int>(std::min<int64_t>(positive(arg, value()), 100));
    } else if (arg == "--herald-only") {
      a.herald_only = true;
    } else if (arg == "--seed") {
      a.seed = static_cast<uint64_t>(positive(arg, value()));
    } else {
      fail("unknown argument '" + std::string(arg) +
           "'\nusage: herald-experiment-bench --db FILE [--contacts N] [--events M] "
           "[--repeat K] [--seed S]");
    }
  }
  if (a.db.empty()) fail("--db FILE is required");
  return a;
}

double seconds(const std::function<void()>& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// CPU seconds this process used (the machine may be shared: wall time then
// includes waiting for a CPU, CPU time does not).
double cpuSeconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// splitmix64: the same numbers on every machine and standard library.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  int64_t below(int64_t n) { return static_cast<int64_t>(next() % static_cast<uint64_t>(n)); }

 private:
  uint64_t state_;
};

// When the contact's goal window opens: the send, spread over an hour.
int64_t exposedMs(int64_t contact) { return kSendMs + (contact % 3600) * 1000; }

void generate(const Args& args) {
  std::printf("== generating %s: %lld contacts, %lld events (seed %llu)\n", args.db.c_str(),
              static_cast<long long>(args.contacts), static_cast<long long>(args.events),
              static_cast<unsigned long long>(args.seed));
  auto store = herald::store::openSqliteStore(args.db);
  store->experiments().registerExperiment(
      {kKey, kWorkflow, "rev1", "subject_test", kSpec, kSendMs, kSendMs});
  double t = seconds([&] {
    auto import = store->beginBulkContactImport();
    herald::store::Contact c;
    for (int64_t i = 1; i <= args.contacts; ++i) {
      c.external_id = "C" + std::to_string(i);
      c.email = "c" + std::to_string(i) + "@example.com";
      import->upsert(c);
    }
    import->commit();
  });
  std::printf("   contacts:    %7.2f s\n", t);

  t = seconds([&] {
    Random rnd(args.seed);
    // Reused events: only the contact and the time change per row.
    herald::store::Event purchase{0, 0, "purchase", {{"amount", 0}}, 0, std::nullopt};
    herald::store::Event open{0, 0, "open", nlohmann::json::object(), 0, std::nullopt};
    herald::store::Event machine_open{0, 0, "open", {{"machine", true}}, 0, std::nullopt};
    herald::store::Event click{0, 0, "click", {{"link", "https://shop.example/sale"}}, 0, {}};
    herald::store::Event view{0, 0, "page_view", {{"path", "/products/tee"}}, 0, std::nullopt};
    herald::store::Event other{0, 0, "cart_add", {{"sku", "sku-tee"}}, 0, std::nullopt};
    herald::store::Event unsubscribe{0, 0, "unsubscribe", nlohmann::json::object(), 0, {}};
    herald::store::Event complained{0, 0, "complained", nlohmann::json::object(), 0, {}};
    const char* const kAmounts[] = {"4.99", "12.50", "19.99", "29.00", "49.95", "120.00"};
    std::vector<herald::store::Event> purchases;
    for (const char* amount : kAmounts) {
      purchase.properties["amount"] = nlohmann::json::parse(amount);
      purchases.push_back(purchase);
    }
    auto import = store->beginEventImport();
    for (int64_t i = 0; i < args.events; ++i) {
      const int64_t kind = rnd.below(1000);  // per mille
      herald::store::Event* e = nullptr;
      if (kind < 100) {
        e = &purchases[static_cast<size_t>(rnd.below(std::size(kAmounts)))];
      } else if (kind < 500) {
        e = kind < 180 ? &machine_open : &open;
      } else if (kind < 650) {
        e = &click;
      } else if (kind < 950) {
        e = &view;
      } else if (kind < 955) {
        e = &unsubscribe;
      } else if (kind < 957) {
        e = &complained;
      } else {
        e = &other;
      }
      e->contact_id = 1 + rnd.below(args.contacts);
      e->at_ms = kSendMs - 30 * kDayMs + rnd.below(60 * kDayMs);
      import->insert(*e);
    }
    import->commit();
  });
  std::printf("   events:      %7.2f s (bulk import, indexes built at the end)\n", t);

  t = seconds([&] {
    const herald::experiment::Split split{0, 1, {50, 30, 20}};
    const char* const kVariants[] = {"control", "b", "c"};
    std::vector<ExperimentAssignment> batch;
    auto flush = [&] {
      store->experiments().assign(kKey, batch);
      batch.clear();
    };
    for (int64_t id = 1; id <= args.contacts; ++id) {
      const auto p =
          herald::experiment::place(split, herald::experiment::bucketOf(kKey, std::to_string(id)));
      ExperimentAssignment a;
      a.contact_id = id;
      a.variant = kVariants[p.variant];
      a.phase = ExperimentPhase::kSplit;
      a.assigned_ms = a.exposed_ms = exposedMs(id);
      a.run_id = 1;
      batch.push_back(std::move(a));
      if (batch.size() == 100'000) flush();
    }
    flush();
  });
  std::printf("   assignments: %7.2f s\n", t);

  t = seconds([&] {
    std::vector<herald::store::LedgerEntry> batch;
    auto flush = [&] {
      store->claimDeliveries(batch);
      batch.clear();
    };
    for (int64_t id = 1; id <= args.contacts; ++id) {
      herald::store::LedgerEntry e;
      e.key = {kWorkflow, "rev1", "send_email", id, 0};
      e.channel = "email";
      e.status = herald::store::LedgerStatus::kSent;
      e.decision = "allowed";
      e.run_id = 1;
      e.updated_ms = exposedMs(id);
      batch.push_back(std::move(e));
      if (batch.size() == 100'000) flush();
    }
    flush();
  });
  std::printf("   ledger rows: %7.2f s\n", t);
}

// The counts by hand. ?1 key, ?2 event type, ?3 window, ?4 workflow.
// (a) joins, as most people would write them: recipients and their sent
// rows, then recipients and their goal events, grouped per recipient.
constexpr const char* kJoinSentSql = R"sql(SELECT a.variant, a.phase, count(l.contact_id)
FROM experiment_assignments a
LEFT JOIN send_ledger l ON l.workflow = ?4 AND l.contact_id = a.contact_id
     AND l.status = 'sent' AND l.created_ms >= a.assigned_ms
WHERE a.key = ?1
GROUP BY a.variant, a.phase ORDER BY a.variant, a.phase)sql";

constexpr const char* kJoinGoalSql = R"sql(SELECT variant, phase, count(*), sum(hits > 0),
       total(v), total(v * v)
FROM (SELECT a.variant AS variant, a.phase AS phase, count(e.contact_id) AS hits,
             coalesce(sum(e.amount_units), 0) / 1000000.0 AS v
      FROM experiment_assignments a
      LEFT JOIN events e ON e.type = ?2 AND e.contact_id = a.contact_id
           AND e.at_ms >= a.exposed_ms AND e.at_ms < a.exposed_ms + ?3 /*machine*/
      WHERE a.key = ?1
      GROUP BY a.contact_id)
GROUP BY variant, phase ORDER BY variant, phase)sql";

// (b) one pass over the recipients with a probe per figure, as someone who
// knows SQLite's planner would write it.
constexpr const char* kProbeSql = R"sql(SELECT variant, phase, count(*), sum(sent), sum(hits > 0),
       total(v), total(v * v)
FROM (SELECT a.variant AS variant, a.phase AS phase,
             (SELECT count(*) FROM send_ledger l WHERE l.workflow = ?4
                AND l.contact_id = a.contact_id AND l.status = 'sent'
                AND l.created_ms >= a.assigned_ms) AS sent,
             (SELECT count(*) FROM events e WHERE e.type = ?2 AND e.contact_id = a.contact_id
                AND e.at_ms >= a.exposed_ms AND e.at_ms < a.exposed_ms + ?3 /*machine*/) AS hits,
             (SELECT coalesce(sum(e.amount_units), 0) / 1000000.0 FROM events e
              WHERE e.type = ?2 AND e.contact_id = a.contact_id
                AND e.at_ms >= a.exposed_ms AND e.at_ms < a.exposed_ms + ?3 /*machine*/) AS v
      FROM experiment_assignments a WHERE a.key = ?1)
GROUP BY variant, phase ORDER BY variant, phase)sql";

// The probe form of a conversion goal: no value to sum.
constexpr const char* kProbeConversionSql = R"sql(SELECT variant, phase, count(*), sum(sent),
       sum(hit), 0.0, 0.0
FROM (SELECT a.variant AS variant, a.phase AS phase,
             (SELECT count(*) FROM send_ledger l WHERE l.workflow = ?4
                AND l.contact_id = a.contact_id AND l.status = 'sent'
                AND l.created_ms >= a.assigned_ms) AS sent,
             EXISTS (SELECT 1 FROM events e WHERE e.type = ?2 AND e.contact_id = a.contact_id
                AND e.at_ms >= a.exposed_ms AND e.at_ms < a.exposed_ms + ?3 /*machine*/) AS hit
      FROM experiment_assignments a WHERE a.key = ?1)
GROUP BY variant, phase ORDER BY variant, phase)sql";

// The reference text for a goal: machine opens left out when it asks.
std::string forGoal(const char* sql, const GoalQuery& q) {
  std::string text = sql;
  const std::string mark = "/*machine*/";
  const std::string test =
      q.skip_machine ? "AND json_extract(e.properties, '$.machine') IS NOT 1" : "";
  for (size_t at; (at = text.find(mark)) != std::string::npos;) text.replace(at, mark.size(), test);
  return text;
}

// A read-only connection for the hand-written queries, with the page cache
// Herald's store uses (32 MiB).
class Reference {
 public:
  explicit Reference(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      fail("cannot open " + path + ": " + sqlite3_errmsg(db_));
    }
    sqlite3_exec(db_, "PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY", nullptr, nullptr,
                 nullptr);
  }
  ~Reference() { sqlite3_close(db_); }
  Reference(const Reference&) = delete;
  Reference& operator=(const Reference&) = delete;

  // Runs `sql` with the goal's parameters; calls `row` per result row.
  void run(const char* sql, const GoalQuery& q, const std::function<void(sqlite3_stmt*)>& row) {
    sqlite3_stmt* s = nullptr;
    const std::string text = forGoal(sql, q);
    if (sqlite3_prepare_v2(db_, text.c_str(), -1, &s, nullptr) != SQLITE_OK) {
      fail(std::string("cannot prepare a reference query: ") + sqlite3_errmsg(db_));
    }
    sqlite3_bind_text(s, 1, kKey, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, q.event_type.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, q.window_ms);
    sqlite3_bind_text(s, 4, q.workflow.c_str(), -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) row(s);
    if (rc != SQLITE_DONE) fail(std::string("sqlite: ") + sqlite3_errmsg(db_));
    sqlite3_finalize(s);
  }

  void printPlan(const char* sql) {
    sqlite3_stmt* s = nullptr;
    const std::string text = std::string("EXPLAIN QUERY PLAN ") + forGoal(sql, {});
    if (sqlite3_prepare_v2(db_, text.c_str(), -1, &s, nullptr) != SQLITE_OK) return;
    while (sqlite3_step(s) == SQLITE_ROW) {
      std::printf("      %s\n", reinterpret_cast<const char*>(sqlite3_column_text(s, 3)));
    }
    sqlite3_finalize(s);
  }

 private:
  sqlite3* db_ = nullptr;
};

VariantCounts readCounts(sqlite3_stmt* s, int first_figure) {
  VariantCounts c;
  c.variant = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  c.n = sqlite3_column_int64(s, 2);
  c.value_sum = sqlite3_column_double(s, first_figure + 2);
  c.value_sum_sq = sqlite3_column_double(s, first_figure + 3);
  c.conversions = sqlite3_column_int64(s, first_figure + 1);
  c.sent = sqlite3_column_int64(s, first_figure);
  return c;
}

std::vector<VariantCounts> joinCounts(Reference& ref, const GoalQuery& q) {
  std::vector<VariantCounts> out;
  ref.run(kJoinGoalSql, q, [&](sqlite3_stmt* s) {
    VariantCounts c;
    c.variant = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    c.n = sqlite3_column_int64(s, 2);
    c.conversions = sqlite3_column_int64(s, 3);
    c.value_sum = sqlite3_column_double(s, 4);
    c.value_sum_sq = sqlite3_column_double(s, 5);
    out.push_back(c);
  });
  size_t i = 0;
  ref.run(kJoinSentSql, q, [&](sqlite3_stmt* s) {
    if (i < out.size()) out[i++].sent = sqlite3_column_int64(s, 2);
  });
  return out;
}

std::vector<VariantCounts> probeCounts(Reference& ref, const GoalQuery& q) {
  std::vector<VariantCounts> out;
  ref.run(q.value_property ? kProbeSql : kProbeConversionSql, q,
          [&](sqlite3_stmt* s) { out.push_back(readCounts(s, 3)); });
  return out;
}

bool close(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(b)); }

bool same(const std::vector<VariantCounts>& herald, const std::vector<VariantCounts>& ref,
          bool value) {
  if (herald.size() != ref.size()) return false;
  for (size_t i = 0; i < ref.size(); ++i) {
    const auto& h = herald[i];
    const auto& r = ref[i];
    if (h.variant != r.variant || h.n != r.n || h.sent != r.sent ||
        h.conversions != r.conversions) {
      return false;
    }
    if (value && (!close(h.value_sum, r.value_sum) || !close(h.value_sum_sq, r.value_sum_sq))) {
      return false;
    }
  }
  return true;
}

void printCounts(const std::vector<VariantCounts>& counts, bool value) {
  for (const auto& c : counts) {
    std::printf("      %-8s n %8lld  sent %8lld  converted %8lld (%.3f%%)", c.variant.c_str(),
                static_cast<long long>(c.n), static_cast<long long>(c.sent),
                static_cast<long long>(c.conversions),
                c.n ? 100.0 * static_cast<double>(c.conversions) / static_cast<double>(c.n) : 0.0);
    if (value) {
      std::printf("  revenue/recipient %.4f", c.n ? c.value_sum / static_cast<double>(c.n) : 0.0);
    }
    std::printf("\n");
  }
}

struct GoalTimes {
  double herald = 0;     // median seconds
  double reference = 0;  // the faster hand-written form's median
  bool same = true;      // the answers agree
};

// Times one goal.
GoalTimes benchGoal(const char* name, const GoalQuery& q, herald::store::Store& store,
                    Reference& ref, int repeat) {
  const bool value = q.value_property.has_value();
  auto& exp = store.experiments();
  std::vector<VariantCounts> h, j, p;
  // Warm-up: one of each, which also gives the answers to compare.
  seconds([&] { h = exp.goalCounts(kKey, q); });
  seconds([&] { j = joinCounts(ref, q); });
  seconds([&] { p = probeCounts(ref, q); });
  std::vector<double> th, tj, tp, ch;
  for (int i = 0; i < repeat; ++i) {
    const double cpu = cpuSeconds();
    th.push_back(seconds([&] { exp.goalCounts(kKey, q); }));
    ch.push_back(cpuSeconds() - cpu);
    tj.push_back(seconds([&] { joinCounts(ref, q); }));
    tp.push_back(seconds([&] { probeCounts(ref, q); }));
  }
  const double mh = median(th), mj = median(tj), mp = median(tp);
  const double reference = std::min(mj, mp);
  std::printf("\n%s (median of %d)\n", name, repeat);
  std::printf("  %-44s %8.3f s\n", "hand-written SQL (a): joins", mj);
  std::printf("  %-44s %8.3f s\n", "hand-written SQL (b): one probe per figure", mp);
  std::printf("  %-44s %8.3f s   goal <= 2 s: %s (CPU %.3f s)\n",
              "Herald ExperimentStore::goalCounts", mh, mh <= 2.0 ? "met" : "MISSED", median(ch));
  std::printf("  %-44s %8.2fx   goal <= 1.5x: %s\n", "ratio Herald / faster reference",
              reference > 0 ? mh / reference : 0.0, mh <= 1.5 * reference ? "met" : "MISSED");
  printCounts(h, value);
  const bool ok = same(h, j, value) && same(h, p, value);
  if (!ok) {
    std::printf("  ANSWERS DIFFER: the references say\n");
    printCounts(j, value);
    printCounts(p, value);
  }
  return {mh, reference, ok};
}

// The whole report (experiment::buildReport: the goal's and every
// guardrail's counts, then the statistics) beside the sum of the faster
// hand-written query for each of those counts.
bool benchReport(herald::store::Store& store, Reference& ref, int repeat) {
  const auto record = store.experiments().experiment(kKey);
  if (!record) fail("the database has no experiment " + std::string(kKey));
  std::vector<herald::experiment::Problem> problems;
  const auto spec =
      herald::experiment::parseSpec(nlohmann::json::parse(record->spec), kKey, problems);
  std::vector<GoalQuery> queries;
  auto add = [&](const herald::experiment::Goal& g) {
    GoalQuery q;
    q.event_type = g.event;
    q.window_ms = g.window_ms;
    q.value_property = g.value;
    q.skip_machine = g.skipsMachines();
    q.workflow = record->workflow;
    queries.push_back(q);
  };
  add(spec.goal);
  for (const auto& g : spec.guardrails) add(g);
  bool ok = true;
  double reference = 0;
  for (const auto& q : queries) {
    const std::string name = "report part: " + q.event_type + " within " +
                             std::to_string(q.window_ms / kDayMs) + " days" +
                             (q.value_property ? " (sum of " + *q.value_property + ")" : "");
    const GoalTimes t = benchGoal(name.c_str(), q, store, ref, repeat);
    reference += t.reference;
    ok = ok && t.same;
  }
  // The same counts from one pass (ExperimentStore::goalCountsBatch).
  std::vector<std::vector<VariantCounts>> batch =
      store.experiments().goalCountsBatch(kKey, queries);
  for (size_t i = 0; i < queries.size(); ++i) {
    if (!same(batch[i], store.experiments().goalCounts(kKey, queries[i]),
              queries[i].value_property.has_value())) {
      std::printf("  ANSWERS DIFFER: goalCountsBatch and goalCounts, count %zu\n", i);
      ok = false;
    }
  }
  std::vector<double> tb, cb;
  for (int i = 0; i < repeat; ++i) {
    const double c = cpuSeconds();
    tb.push_back(seconds([&] { batch = store.experiments().goalCountsBatch(kKey, queries); }));
    cb.push_back(cpuSeconds() - c);
  }
  const double mb = median(tb);
  std::printf("\nthe report's %zu counts in one pass: goalCountsBatch (median of %d)\n",
              queries.size(), repeat);
  std::printf("  %-44s %8.3f s\n", "hand-written SQL, the same counts (sum)", reference);
  std::printf("  %-44s %8.3f s   goal <= 2 s: %s (CPU %.3f s)\n",
              "Herald ExperimentStore::goalCountsBatch", mb, mb <= 2.0 ? "met" : "MISSED",
              median(cb));
  std::printf("  %-44s %8.2fx   goal <= 1.5x: %s\n", "ratio Herald / reference",
              reference > 0 ? mb / reference : 0.0, mb <= 1.5 * reference ? "met" : "MISSED");

  const int64_t now_ms = kSendMs + 8 * kDayMs;
  herald::experiment::buildReport(store.experiments(), *record, now_ms);  // warm-up
  std::vector<double> times, cpu;
  herald::experiment::Report report;
  for (int i = 0; i < repeat; ++i) {
    const double c = cpuSeconds();
    times.push_back(seconds(
        [&] { report = herald::experiment::buildReport(store.experiments(), *record, now_ms); }));
    cpu.push_back(cpuSeconds() - c);
  }
  const double mr = median(times);
  std::printf("\nthe report: experiment::buildReport, %zu counts + statistics (median of %d)\n",
              queries.size(), repeat);
  std::printf("  (as it stands: one goalCounts call per count)\n");
  std::printf("  %-44s %8.3f s\n", "hand-written SQL, the same counts (sum)", reference);
  std::printf("  %-44s %8.3f s   goal <= 2 s: %s (CPU %.3f s)\n", "Herald buildReport", mr,
              mr <= 2.0 ? "met" : "MISSED", median(cpu));
  std::printf("  %-44s %8.2fx   goal <= 1.5x: %s\n", "ratio Herald / reference",
              reference > 0 ? mr / reference : 0.0, mr <= 1.5 * reference ? "met" : "MISSED");
  std::printf("  status: %s\n", report.status.c_str());
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parseArgs(argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows as it happens under a pipe
  try {
    if (!std::filesystem::exists(args.db)) generate(args);
    auto store = herald::store::openSqliteStore(args.db);
    Reference ref(args.db);
    std::printf("sqlite:    %s\n", sqlite3_libversion());
    std::printf("database:  %s: %lld contacts, %lld events, %zu experiment(s)\n", args.db.c_str(),
                static_cast<long long>(store->contactCount()),
                static_cast<long long>(store->eventCount()),
                store->experiments().listExperiments().size());
    std::printf("reference query plans:\n    (a) joins, goal part:\n");
    ref.printPlan(kJoinGoalSql);
    std::printf("    (b) probes:\n");
    ref.printPlan(kProbeSql);

    if (args.herald_only) {
      const auto record = store->experiments().experiment(kKey);
      if (!record) fail("the database has no experiment " + std::string(kKey));
      for (int i = 0; i < args.repeat; ++i) {
        std::printf("buildReport: %.3f s\n", seconds([&] {
                      herald::experiment::buildReport(store->experiments(), *record,
                                                      kSendMs + 8 * kDayMs);
                    }));
      }
      return 0;
    }
    GoalQuery conversion;
    conversion.event_type = "purchase";
    conversion.window_ms = kWindowMs;
    conversion.workflow = kWorkflow;
    GoalQuery opens = conversion;
    opens.event_type = "open";
    opens.skip_machine = true;
    bool ok =
        benchGoal("conversion goal: a purchase within 7 days", conversion, *store, ref, args.repeat)
            .same;
    ok = benchGoal("open goal: an open within 7 days, machine opens left out", opens, *store, ref,
                   args.repeat)
             .same &&
         ok;
    ok = benchReport(*store, ref, args.repeat) && ok;
    if (!ok) {
      std::printf("\nFAILED: Herald's counts differ from the hand-written SQL's\n");
      return 1;
    }
  } catch (const std::exception& e) {
    fail(e.what());
  }
  return 0;
}
