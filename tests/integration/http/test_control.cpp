#include "test_control.hpp"

#include <boost/asio/post.hpp>

#include "workflow/loader.hpp"

namespace herald::testing {

TestControl::TestControl(boost::asio::io_context& io, config::DaemonConfig config)
    : io_(io), config_(std::move(config)) {
  store_ = store::openSqliteStore(config_.database.string());
  metrics_.counterAdd("events_ingested_total", {}, 0);
  metrics_.describe("events_ingested_total", "Events stored by ingestion");
  plugin_metrics_.counterAdd("messages_sent_total", {{"plugin", "outbox"}, {"step", "welcome"}}, 0);
  plugin_metrics_.describe("messages_sent_total", "Messages the plugin handed over");
}

void TestControl::ingestEvents(std::vector<daemon::IncomingEvent> events,
                               std::function<void(daemon::IngestResult)> done) {
  pending_.push_back({std::move(events), std::move(done)});
  if (flush_posted_) return;
  flush_posted_ = true;
  boost::asio::post(io_, [this] { flush(); });
}

void TestControl::flush() {
  flush_posted_ = false;
  auto batch = std::move(pending_);
  pending_.clear();
  std::vector<daemon::IngestResult> results(batch.size());
  try {
    auto import = store_->beginEventImport();
    for (size_t i = 0; i < batch.size(); ++i) {
      for (auto& e : batch[i].events) {
        daemon::IngestOutcome o;
        std::optional<int64_t> contact;
        if (e.contact_id) {
          if (store_->contactById(*e.contact_id)) contact = e.contact_id;
        } else {
          contact = import->resolveContact(e.external_id, e.email);
        }
        if (!contact) {
          o.kind = daemon::IngestOutcome::Kind::kUnknownContact;
        } else {
          store::Event ev;
          ev.contact_id = *contact;
          ev.type = e.type;
          ev.at_ms = e.at_ms;
          ev.properties = e.properties;
          ev.external_id = e.event_id;
          const int64_t dups = import->duplicateCount();
          import->insert(ev);
          if (import->duplicateCount() > dups) o.kind = daemon::IngestOutcome::Kind::kDuplicate;
        }
        results[i].outcomes.push_back(o);
      }
    }
    import->commit();
    int64_t stored = 0;
    for (const auto& r : results)
      for (const auto& o : r.outcomes) stored += o.kind == daemon::IngestOutcome::Kind::kStored;
    metrics_.counterAdd("events_ingested_total", {}, static_cast<double>(stored));
  } catch (const std::exception& e) {
    for (auto& r : results) {
      r.outcomes.clear();
      r.error = e.what();
    }
  }
  for (size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(results[i]));
}

nlohmann::json TestControl::listWorkflows() {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [name, paused] : workflows_) out.push_back(*showWorkflow(name));
  return out;
}

std::optional<nlohmann::json> TestControl::showWorkflow(const std::string& name) {
  auto it = workflows_.find(name);
  if (it == workflows_.end()) return std::nullopt;
  return nlohmann::json{{"name", name}, {"revision", "test"}, {"paused", it->second}};
}

bool TestControl::setPaused(const std::string& name, bool paused) {
  auto it = workflows_.find(name);
  if (it == workflows_.end()) return false;
  it->second = paused;
  return true;
}

Diagnostics TestControl::validateWorkflowText(const std::string& name, const std::string& yaml) {
  Diagnostics diags;
  workflow::parseWorkflow(name + ".yaml", yaml, diags);
  return diags;
}

daemon::StartResult TestControl::startRun(const daemon::StartRequest& request) {
  daemon::StartResult out;
  if (!workflows_.count(request.workflow)) {
    out.problems.error({}, "no workflow '" + request.workflow + "' is served");
    return out;
  }
  if (request.contact_ids.empty()) {
    out.problems.error({}, "the test control starts runs for a contact list only");
    return out;
  }
  const auto run =
      store_->createRun(request.workflow, "test", "api", request.dry_run, clock_.nowMs());
  for (int64_t id : request.contact_ids) {
    out.enrolled += store_->enrollContact(run.id, "start", id, clock_.nowMs());
  }
  out.run_id = run.id;
  return out;
}

bool TestControl::cancelRun(int64_t run_id) {
  auto run = store_->runById(run_id);
  if (!run || run->status == store::RunStatus::kDone || run->status == store::RunStatus::kFailed)
    return false;
  store_->setRunStatus(run_id, store::RunStatus::kFailed, clock_.nowMs());
  return true;
}

daemon::Health TestControl::health() {
  daemon::Health h;
  try {
    store_->contactCount();
    h.store_ok = true;
  } catch (const std::exception& e) {
    h.last_error = e.what();
  }
  h.loaded = true;
  h.draining = draining_;
  h.workflows = static_cast<int64_t>(workflows_.size());
  return h;
}

}  // namespace herald::testing
