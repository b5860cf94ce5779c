// herald-wake-bench: the scheduler's durable-timer and event-latency
// benchmark of docs/PERFORMANCE.md (issue 11).
//
//   herald-wake-bench --plugins build/release/lib/herald/plugins [--journeys 100000]
//                     [--window 20] [--events 20] [--work DIR]
//
// In one process, on one io_context (as `herald serve`), with a real SQLite
// file and the real outbox plugin:
//
//  1. --journeys contacts enter a workflow that waits; their wake times are
//     then spread evenly over a --window seconds long window starting a few
//     seconds later (one UPDATE on the file, as if they had entered at
//     different times). The scheduler's one timer wakes them; each journey's
//     lag is the time it was picked up (the visit of the step after the
//     wait) minus its wake time.
//  2. While they wait, --events events are posted, one every 200 ms, to an
//     event-triggered workflow that sends an email at once; the latency is
//     from the ingest call to the step's committed "continue" (the message
//     left the engine and its ledger row is settled).
//  3. The reference, in the same run and on the same loop: a bare
//     steady_timer re-armed every 50 ms through the whole window; its lag is
//     how late it fired. It shows what the loop itself costs under the load.
//
// Prints p50/p99/max of each and the goals (wake-up lag p99 <= 1 s, first
// message <= 1 s). Exit 1 when a journey never woke or an event never sent.
#include <sqlite3.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "engine/run_plan.hpp"
#include "observe/metrics.hpp"
#include "plugin/registry.hpp"
#include "scheduler/scheduler.hpp"
#include "scheduler/services.hpp"
#include "workflow/builtins.hpp"
#include "workflow/validate.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kHold = R"(name: hold
trigger: {type: api}
steps:
  - id: pause
    uses: wait
    with: {duration: 1h}
  - id: done
    uses: exit
)";

constexpr const char* kWelcome = R"(name: welcome
trigger: {type: event, event: signup, reentry: always}
steps:
  - id: mail
    uses: outbox.email
    with: {from: shop@example.com, subject: "Welcome {{ contact.first_name }}", text: "Hi"}
)";

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * (v.size() - 1) + 0.5));
  return v[i];
}

void report(const char* what, const std::vector<double>& ms) {
  std::printf("%-44s n=%-7zu p50 %8.1f ms   p99 %8.1f ms   max %8.1f ms\n", what, ms.size(),
              pct(ms, 50), pct(ms, 99), ms.empty() ? 0.0 : *std::max_element(ms.begin(), ms.end()));
}

std::shared_ptr<herald::engine::RunPlan> plan(const fs::path& file, const char* yaml,
                                              herald::plugin::Registry& registry) {
  std::ofstream(file) << yaml;
  herald::Diagnostics diags;
  auto wf = herald::workflow::loadAndValidate(file.string(), registry, diags);
  if (!wf) throw std::runtime_error("workflow did not load: " + file.string());
  auto p = herald::engine::RunPlan::build(*wf, registry, diags);
  if (!p) throw std::runtime_error("plan did not build: " + file.string());
  return std::shared_ptr<herald::engine::RunPlan>(std::move(p));
}

void exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "?";
    sqlite3_free(err);
    throw std::runtime_error(msg + " in " + sql);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int64_t journeys = 100000;
  int window_s = 20;
  int events = 20;
  std::string plugins;
  fs::path work;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--journeys")
      journeys = std::atoll(argv[i + 1]);
    else if (a == "--window")
      window_s = std::atoi(argv[i + 1]);
    else if (a == "--events")
      events = std::atoi(argv[i + 1]);
    else if (a == "--plugins")
      plugins = argv[i + 1];
    else if (a == "--work")
      work = argv[i + 1];
    else {
      std::cerr << "unknown argument " << a << "\n";
      return 2;
    }
  }
  if (plugins.empty()) {
    std::cerr << "usage: herald-wake-bench --plugins DIR [--journeys N] [--window S] "
                 "[--events N] [--work DIR]\n";
    return 2;
  }
  if (work.empty())
    work =
        fs::temp_directory_path() / ("herald-wake-bench-" + std::to_string(std::random_device{}()));
  fs::remove_all(work);
  fs::create_directories(work);
  const fs::path db_path = work / "herald.db";

  auto store = herald::store::openSqliteStore(db_path.string());
  {
    auto import = store->beginBulkContactImport();
    for (int64_t i = 1; i <= journeys; ++i) {
      herald::store::Contact c;
      c.external_id = "c" + std::to_string(i);
      c.email = "user" + std::to_string(i) + "@example.com";
      c.first_name = "User" + std::to_string(i);
      c.consents = {{"email", true, "bench", 1, ""}};
      import->upsert(c);
    }
    import->commit();
  }
  herald::plugin::Registry registry;
  herald::workflow::registerBuiltins(registry);
  registry.setPluginSettings({{"outbox", {{"dir", (work / "outbox").string()}, {"fsync", true}}}},
                             work);
  registry.setStore(store.get());
  registry.loadDirectory(plugins);
  if (!registry.find("outbox.email")) {
    std::cerr << "no outbox plugin in " << plugins << "\n";
    return 2;
  }

  boost::asio::io_context io;
  herald::SystemClock clock;
  herald::config::DaemonConfig config;
  config.scheduler_poll = std::chrono::seconds(1);
  herald::observe::Metrics metrics;
  auto set = std::make_shared<herald::daemon::WorkflowSet>();
  for (auto [name, yaml] : {std::pair{"hold", kHold}, std::pair{"welcome", kWelcome}}) {
    const fs::path file = work / (std::string(name) + ".yaml");
    auto p = plan(file, yaml, registry);
    set->by_name[name] = herald::daemon::ServedWorkflow{name, file, p->workflow().revision, p};
  }
  herald::scheduler::Scheduler scheduler(io, *store, clock, config, metrics);
  scheduler.serve(set);

  // Everyone enters `hold` and reaches the wait.
  const auto t_enrol = Clock::now();
  herald::daemon::StartRequest req;
  req.workflow = "hold";
  for (int64_t id = 1; id <= journeys; ++id) req.contact_ids.push_back(id);  // a fresh store
  const auto started = scheduler.startRun(req);
  if (!started.run_id) {
    std::cerr << "could not start: " << started.problems.items().at(0).message << "\n";
    return 1;
  }
  while (scheduler.journeysWaiting() < journeys) io.run_for(std::chrono::milliseconds(50));
  std::printf("%lld journeys enrolled and waiting in %.1f s\n", static_cast<long long>(journeys),
              std::chrono::duration<double>(Clock::now() - t_enrol).count());

  // Spread their wake times over the window (a few seconds ahead).
  const int64_t start_ms = clock.nowMs() + 5000;
  const int64_t span_ms = int64_t{window_s} * 1000;
  {
    sqlite3* db = nullptr;
    sqlite3_open(db_path.c_str(), &db);
    sqlite3_busy_timeout(db, 30000);
    exec(db, "UPDATE journeys SET wake_ms = " + std::to_string(start_ms) + " + (id * " +
                 std::to_string(span_ms) +
                 ") / (SELECT max(id) FROM journeys) "
                 "WHERE status = 'waiting'");
    sqlite3_close(db);
  }

  // The reference: a bare steady_timer on the same loop, every 50 ms.
  std::vector<double> timer_lag;
  boost::asio::steady_timer ref(io);
  Clock::time_point ref_due;
  std::function<void()> arm = [&] {
    ref_due = Clock::now() + std::chrono::milliseconds(50);
    ref.expires_at(ref_due);
    ref.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      timer_lag.push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - ref_due).count());
      arm();
    });
  };
  arm();

  // Events, one every 200 ms, while the journeys wait.
  std::vector<double> event_ms;
  std::vector<Clock::time_point> posted;
  const herald::observe::Labels sent = {
      {"workflow", "welcome"}, {"step", "mail"}, {"outcome", "continue"}};
  auto note_sent = [&] {
    const double done = metrics.value(herald::scheduler::kStepOutcomes, sent).value_or(0);
    while (event_ms.size() < static_cast<size_t>(done) && event_ms.size() < posted.size()) {
      event_ms.push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - posted[event_ms.size()])
              .count());
    }
  };
  for (int i = 0; i < events; ++i) {
    herald::daemon::IncomingEvent e;
    e.external_id = "c" + std::to_string(i + 1);
    e.type = "signup";
    e.at_ms = clock.nowMs();
    posted.push_back(Clock::now());
    scheduler.ingestEvents({e}, [](herald::daemon::IngestResult) {});
    const auto deadline = Clock::now() + std::chrono::milliseconds(200);
    while (Clock::now() < deadline) {
      io.run_for(std::chrono::milliseconds(1));
      note_sent();
    }
  }
  const auto sent_by = Clock::now() + std::chrono::seconds(5);
  while (event_ms.size() < posted.size() && Clock::now() < sent_by) {
    io.run_for(std::chrono::milliseconds(1));
    note_sent();
  }

  // The wake-ups.
  const auto end =
      Clock::now() + std::chrono::milliseconds(start_ms + span_ms - clock.nowMs() + 10000);
  const herald::observe::Labels left = {
      {"workflow", "hold"}, {"step", "done"}, {"outcome", "exit"}};
  while (Clock::now() < end &&
         metrics.value(herald::scheduler::kStepOutcomes, left).value_or(0) < journeys)
    io.run_for(std::chrono::milliseconds(20));
  ref.cancel();

  std::vector<double> wake_lag;
  {
    sqlite3* db = nullptr;
    sqlite3_open(db_path.c_str(), &db);
    sqlite3_stmt* st = nullptr;
    // The visit of `done` records when the woken journey was picked up; its
    // wake time is recomputed from the spreading formula above.
    const std::string sql = "SELECT v.at_ms - (" + std::to_string(start_ms) + " + (j.id * " +
                            std::to_string(span_ms) +
                            ") / (SELECT max(id) FROM journeys)) FROM journey_visits v JOIN "
                            "journeys j ON j.id = v.journey_id WHERE v.step_id = 'done'";
    sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW)
      wake_lag.push_back(static_cast<double>(sqlite3_column_int64(st, 0)));
    sqlite3_finalize(st);
    sqlite3_close(db);
  }
  std::printf("\n");
  report("wake-up lag (journey picked up - wake time)", wake_lag);
  report("reference: bare steady_timer lag, same loop", timer_lag);
  report("event ingested -> first message sent", event_ms);
  const bool all_woke = static_cast<int64_t>(wake_lag.size()) == journeys;
  const bool all_sent = static_cast<int>(event_ms.size()) == events;
  std::printf("\ngoals: wake-up p99 <= 1000 ms: %s; event -> message p99 <= 1000 ms: %s\n",
              pct(wake_lag, 99) <= 1000 ? "met" : "NOT met",
              pct(event_ms, 99) <= 1000 ? "met" : "NOT met");
  if (!all_woke)
    std::printf("only %zu of %lld journeys woke\n", wake_lag.size(),
                static_cast<long long>(journeys));
  if (!all_sent) std::printf("only %zu of %d events sent\n", event_ms.size(), events);
  bool drained = false;
  scheduler.drain([&] { drained = true; });
  while (!drained) io.run_for(std::chrono::milliseconds(20));
  fs::remove_all(work);
  return all_woke && all_sent ? 0 : 1;
}
