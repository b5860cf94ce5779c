#include "scheduler/ingestion.hpp"

#include <boost/asio/post.hpp>
#include <cctype>
#include <chrono>
#include <map>
#include <set>

#include "util/log.hpp"

namespace herald::scheduler {
namespace {

double secondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

constexpr double kBatchSizeBounds[] = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000};

}  // namespace

Ingestion::Ingestion(Services services, const EventTriggers& triggers,
                     std::function<void(int64_t)> enrolled)
    : s_(services), triggers_(triggers), enrolled_(std::move(enrolled)) {}

void Ingestion::ingest(std::vector<daemon::IncomingEvent> events,
                       std::function<void(daemon::IngestResult)> done) {
  queue_.push_back({std::move(events), std::move(done)});
  if (scheduled_) return;
  scheduled_ = true;
  // Posted, not run now: every call the loop has ready before this handler
  // joins the same transaction.
  boost::asio::post(s_.io, [this] { commitQueued(); });
}

void Ingestion::commitQueued() {
  scheduled_ = false;
  std::vector<Call> calls = std::move(queue_);
  queue_.clear();
  if (calls.empty()) return;
  const auto started = std::chrono::steady_clock::now();
  const int64_t now = s_.clock.nowMs();
  std::vector<daemon::IngestResult> results(calls.size());
  std::set<int64_t> runs;
  std::map<std::string, int64_t> enrolments;  // by workflow
  size_t total = 0;
  std::optional<std::string> error;
  try {
    auto tx = s_.store.beginEventIngest();
    for (size_t c = 0; c < calls.size(); ++c) {
      for (auto& in : calls[c].events) {
        ++total;
        daemon::IngestOutcome out;
        std::optional<std::string> email = in.email;
        if (email) {
          for (auto& ch : *email)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        }
        const auto contact = tx->resolveContact(in.contact_id, in.external_id, email);
        if (!contact) {
          out.kind = daemon::IngestOutcome::Kind::kUnknownContact;
          results[c].outcomes.push_back(out);
          continue;
        }
        store::Event e;
        e.contact_id = contact->id;
        e.type = in.type;
        e.properties = std::move(in.properties);
        e.at_ms = in.at_ms;
        e.external_id = in.event_id;
        const auto id = tx->insert(e);
        if (!id) {
          out.kind = daemon::IngestOutcome::Kind::kDuplicate;
          results[c].outcomes.push_back(out);
          continue;
        }
        out.event_id = *id;
        const nlohmann::json context = EventTriggers::contextOf(e);
        for (const EventTarget* t : triggers_.match(e.type, *contact, context)) {
          const int64_t n = tx->enroll(t->run_id, t->first_step, t->reentry,
                                       store::EntryRequest{contact->id, context}, now);
          if (n > 0) {
            out.enrolled += n;
            enrolments[t->workflow] += n;
            runs.insert(t->run_id);
          }
        }
        results[c].outcomes.push_back(out);
      }
    }
    const auto commit_started = std::chrono::steady_clock::now();
    tx->commit();
    s_.metrics.observe(kStoreCommit, {{"what", "ingest"}}, secondsSince(commit_started));
  } catch (const std::exception& e) {
    error = std::string("the events could not be stored: ") + e.what();
    log::error("scheduler", *error);
  }
  s_.metrics.observe(kIngestBatch, {}, secondsSince(started));
  s_.metrics.observe(kIngestBatchEvents, {}, static_cast<double>(total), kBatchSizeBounds);
  if (!error) {
    std::map<daemon::IngestOutcome::Kind, int64_t> by_kind;
    for (const auto& r : results)
      for (const auto& o : r.outcomes) ++by_kind[o.kind];
    static const std::map<daemon::IngestOutcome::Kind, const char*> kNames = {
        {daemon::IngestOutcome::Kind::kStored, "stored"},
        {daemon::IngestOutcome::Kind::kDuplicate, "duplicate"},
        {daemon::IngestOutcome::Kind::kUnknownContact, "unknown_contact"}};
    for (const auto& [kind, n] : by_kind)
      s_.metrics.counterAdd(kEventsIngested, {{"outcome", kNames.at(kind)}},
                            static_cast<double>(n));
    for (const auto& [wf, n] : enrolments)
      s_.metrics.counterAdd(kEnrolments, {{"workflow", wf}, {"trigger", "event"}},
                            static_cast<double>(n));
  }
  for (size_t c = 0; c < calls.size(); ++c) {
    if (error) {
      results[c].outcomes.clear();
      results[c].error = error;
    }
    calls[c].done(std::move(results[c]));
  }
  if (!error) {
    for (int64_t run : runs) enrolled_(run);
  }
}

}  // namespace herald::scheduler
