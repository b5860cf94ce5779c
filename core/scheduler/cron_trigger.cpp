#include "scheduler/cron_trigger.hpp"

#include "scheduler/firings.hpp"
#include "util/log.hpp"
#include "workflow/cron.hpp"

namespace herald::scheduler {
namespace {

bool isSchedule(const daemon::ServedWorkflow& wf) {
  const auto& t = wf.plan->workflow().trigger;
  return t.kind == workflow::Trigger::Kind::kSchedule && t.schedule;
}

}  // namespace

CronTrigger::CronTrigger(Services services, std::function<void(int64_t)> started)
    : s_(services), started_(std::move(started)), timer_(services.io) {}

void CronTrigger::serve(std::shared_ptr<const daemon::WorkflowSet> set) {
  set_ = std::move(set);
  const int64_t now = s_.clock.nowMs();
  // A workflow served for the first time starts from now: firings before it
  // was ever served are not "missed".
  for (const auto& [name, wf] : set_->by_name) {
    if (isSchedule(wf)) s_.store.initTrigger(name, now, now);
  }
  fireDue();
}

std::optional<int64_t> CronTrigger::nextFiring(const daemon::ServedWorkflow& wf) const {
  if (!isSchedule(wf)) return std::nullopt;
  const auto& t = wf.plan->workflow().trigger;
  return t.schedule->nextAfter(s_.clock.nowMs(), t.timezone);
}

void CronTrigger::fireDue() {
  if (stopped_ || !set_) return;
  const int64_t now = s_.clock.nowMs();
  std::optional<int64_t> next;
  for (const auto& [name, wf] : set_->by_name) {
    if (!isSchedule(wf)) continue;
    try {
      fire(wf, now);
    } catch (const std::exception& e) {
      log::error("scheduler", "workflow '" + name + "': the schedule could not fire: " + e.what());
    }
    if (auto n = nextFiring(wf); n && (!next || *n < *next)) next = *n;
  }
  if (!next) return;
  timer_.expires_after(std::chrono::milliseconds(std::max<int64_t>(0, *next - s_.clock.nowMs())));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) fireDue();
  });
}

void CronTrigger::fire(const daemon::ServedWorkflow& wf, int64_t now) {
  const workflow::Workflow& w = wf.plan->workflow();
  const auto state = s_.store.triggerState(w.name);
  if (!state || !state->last_fire_ms) return;
  auto due = dueFirings(*w.trigger.schedule, w.trigger.timezone, *state->last_fire_ms, now,
                        w.trigger.catch_up);
  std::optional<int64_t> last = state->last_fire_ms;
  for (const auto& d : due) {
    store::Firing f;
    f.workflow = w.name;
    f.revision = w.revision;
    f.expected_last_ms = last;
    f.fire_ms = d.fire_ms;
    f.first_step = w.steps.front().id;
    f.audience = w.audience.get();
    f.ctx = segment::EvalContext{now, w.timezone};
    f.reentry = w.trigger.reentry;
    f.enroll = d.enroll && !state->paused;
    f.now_ms = now;
    s_.store.saveWorkflowRevision({w.name, w.revision, w.source, now});
    const auto run = s_.store.fireSchedule(f);
    if (!run) return;  // another process claimed it: its firing, not ours
    last = d.fire_ms;
    const char* outcome = f.enroll ? "fired" : "skipped";
    s_.metrics.counterAdd(kFirings, {{"workflow", w.name}, {"outcome", outcome}}, 1);
    log::info("scheduler", "workflow '" + w.name + "': firing of " + formatIsoTime(d.fire_ms) +
                               (f.enroll ? " enrolled " + std::to_string(run->enrolled_count) +
                                               " contacts in run " + std::to_string(run->id)
                                         : std::string(" skipped")));
    if (f.enroll) {
      s_.metrics.counterAdd(kEnrolments, {{"workflow", w.name}, {"trigger", "schedule"}},
                            static_cast<double>(run->enrolled_count));
      if (run->enrolled_count > 0) started_(run->id);
    }
  }
}

void CronTrigger::stop() {
  stopped_ = true;
  timer_.cancel();
}

}  // namespace herald::scheduler
