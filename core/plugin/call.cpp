#include "plugin/call.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cstddef>
#include <cstring>
#include <deque>
#include <optional>
#include <unordered_map>

#include "plugin/host_state.hpp"
#include "util/log.hpp"

namespace herald::plugin {
namespace {

// herald_outcome as ABI 1.0 defined it; later minors only append fields.
constexpr size_t kOutcomeSizeAbi10 = offsetof(herald_outcome, vars_json) + sizeof(const char*);
constexpr size_t kOutcomeSizeAbi13 = offsetof(herald_outcome, retry_after_ms) + sizeof(int64_t);
// herald_step_type.cancel arrived with ABI 1.3.
constexpr size_t kStepTypeCancelEnd = offsetof(herald_step_type, cancel) + sizeof(void*);

// Enough finished calls are remembered to name the plugin behind a doubled
// complete() (those come within moments); older handles are just unknown.
constexpr size_t kMaxTombstones = 4096;

struct Tombstone {
  std::string who;
  std::string log_source;
  std::string plugin;
  std::string step_id;
  std::string finished_how;  // "completed", "threw" or "was never handed over"
  std::weak_ptr<HostShared> host;
};

class CallTable {
 public:
  herald_call* add(std::shared_ptr<CallState> state) {
    std::lock_guard lock(mu_);
    const uint64_t id = next_++;
    live_.emplace(id, std::move(state));
    return reinterpret_cast<herald_call*>(static_cast<uintptr_t>(id));
  }

  std::shared_ptr<CallState> findLive(herald_call* call) {
    std::lock_guard lock(mu_);
    auto it = live_.find(idOf(call));
    return it == live_.end() ? nullptr : it->second;
  }

  std::optional<Tombstone> findFinished(herald_call* call) {
    std::lock_guard lock(mu_);
    auto it = finished_.find(idOf(call));
    if (it == finished_.end()) return std::nullopt;
    return it->second;
  }

  void retire(herald_call* call, Tombstone tomb) {
    std::lock_guard lock(mu_);
    const uint64_t id = idOf(call);
    live_.erase(id);
    finished_.emplace(id, std::move(tomb));
    order_.push_back(id);
    if (order_.size() > kMaxTombstones) {
      finished_.erase(order_.front());
      order_.pop_front();
    }
  }

 private:
  static uint64_t idOf(herald_call* call) {
    return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(call));
  }

  std::mutex mu_;
  uint64_t next_ = 1;
  std::unordered_map<uint64_t, std::shared_ptr<CallState>> live_;
  std::unordered_map<uint64_t, Tombstone> finished_;
  std::deque<uint64_t> order_;
};

CallTable& table() {
  static CallTable t;
  return t;
}

Tombstone tombstoneOf(const CallState& st, std::string how) {
  const herald_step_ctx& ctx = *st.core->ctx;
  return Tombstone{st.who, ctx.log_source, ctx.plugin_name, ctx.step_id, std::move(how), ctx.host};
}

void bug(const CallState& st, const std::string& kind, const std::string& message) {
  const herald_step_ctx& ctx = *st.core->ctx;
  log::error(ctx.log_source, message);
  countBug(*ctx.host, ctx.plugin_name, ctx.step_id, kind);
}

// Timers belong to the io_context's thread: cancel (by destroying) there.
void dropTimer(boost::asio::io_context* io, std::unique_ptr<boost::asio::steady_timer> timer) {
  if (!timer || !io) return;
  std::shared_ptr<boost::asio::steady_timer> t(std::move(timer));
  boost::asio::post(*io, [t] { t->cancel(); });
}

const char* orEmpty(const char* s) { return s ? s : ""; }

// ABI 1.3: tells the step (on the loop) that the batch's deadline passed,
// so it can stop its timers and requests; the call handle is still the
// batch's (a later complete() is reported as late).
void noticeCancel(const std::shared_ptr<CallState>& st) {
  const InstanceCore& core = *st->core;
  if (!core.type || core.type->struct_size < kStepTypeCancelEnd || !core.type->cancel) return;
  try {
    core.type->cancel(core.instance, st->handle);
  } catch (...) {
    log::error(core.ctx->log_source, st->who + " threw an exception from cancel() (plugin bug)");
  }
}

// Copies what the plugin passed to complete(); nullopt-like error text when
// it is garbage (that is a plugin bug, reported as such).
std::string copyOutcomes(const std::string& who, size_t expected, const herald_outcome* outcomes,
                         size_t count, std::vector<Outcome>& out) {
  if (count != expected) {
    return fmt::format("{} completed a batch of {} contact{} with {} outcome{}", who, expected,
                       expected == 1 ? "" : "s", count, count == 1 ? "" : "s");
  }
  if (count == 0) return {};
  if (!outcomes) return fmt::format("{} completed a batch with outcomes = NULL", who);
  const size_t stride = outcomes[0].struct_size;
  if (stride < kOutcomeSizeAbi10 || stride % alignof(herald_outcome) != 0) {
    return fmt::format(
        "{} completed a batch with outcomes of struct_size {} (expected at least {})", who, stride,
        kOutcomeSizeAbi10);
  }
  const auto* base = reinterpret_cast<const unsigned char*>(outcomes);
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    herald_outcome o{};
    std::memcpy(&o, base + i * stride, std::min(stride, sizeof o));
    if (o.kind < HERALD_OUTCOME_CONTINUE || o.kind > HERALD_OUTCOME_RETRY_AFTER)
      return fmt::format("{} returned outcome {} with unknown kind {}", who, i, o.kind);
    if (o.kind == HERALD_OUTCOME_RETRY_AFTER && stride < kOutcomeSizeAbi13)
      return fmt::format(
          "{} returned outcome {} as RETRY_AFTER from a struct without "
          "retry_after_ms (struct_size {}; ABI 1.3 needs {})",
          who, i, stride, kOutcomeSizeAbi13);
    Outcome r;
    r.kind = static_cast<herald_outcome_kind>(o.kind);
    if (r.kind == HERALD_OUTCOME_BRANCH) {
      if (!o.branch || !*o.branch)
        return fmt::format("{} returned outcome {} as BRANCH without a branch label", who, i);
      r.branch = o.branch;
    }
    r.wait_until_ms = o.wait_until_ms;
    if (r.kind == HERALD_OUTCOME_RETRY_AFTER) {
      if (o.retry_after_ms < 0)
        return fmt::format("{} returned outcome {} as RETRY_AFTER with a negative delay ({} ms)",
                           who, i, o.retry_after_ms);
      r.retry_after_ms = o.retry_after_ms;
    }
    r.reason = log::hideSecrets(orEmpty(o.reason));
    if ((r.kind == HERALD_OUTCOME_FAIL || r.kind == HERALD_OUTCOME_FAIL_RETRYABLE) &&
        r.reason.empty())
      r.reason = who + " gave no reason";
    if (o.vars_json) {
      auto vars = nlohmann::json::parse(o.vars_json, nullptr, false);
      if (vars.is_discarded() || !vars.is_object()) {
        std::string text = o.vars_json;
        if (text.size() > 60) text = text.substr(0, 57) + "...";
        return fmt::format("{} returned outcome {} with vars_json that is not a JSON object: {}",
                           who, i, text);
      }
      r.vars = std::move(vars);
    }
    out.push_back(std::move(r));
  }
  return {};
}

// A BRANCH outcome naming a label the step type never declared becomes a
// failure of that contact that names the plugin: validation made the
// workflow map every declared label, so the workflow is not at fault.
// Returns the log line for the first one (empty when there was none).
std::string failUndeclaredBranches(const std::string& who, const std::vector<std::string>& declared,
                                   std::vector<Outcome>& outcomes) {
  std::string first;
  size_t count = 0;
  for (Outcome& o : outcomes) {
    if (o.kind != HERALD_OUTCOME_BRANCH ||
        std::find(declared.begin(), declared.end(), o.branch) != declared.end())
      continue;
    std::string labels;
    for (size_t i = 0; i < declared.size(); ++i)
      labels += (i == 0 ? "'" : i + 1 == declared.size() ? " and '" : ", '") + declared[i] + "'";
    o.reason = fmt::format(
        "{} returned the branch '{}', which it never declared ({}); a bug in the plugin, not in "
        "the workflow",
        who, o.branch, declared.empty() ? "it declares no branches" : "it declares " + labels);
    o.kind = HERALD_OUTCOME_FAIL;
    o.branch.clear();
    if (count++ == 0) first = o.reason;
  }
  if (count > 1) first += fmt::format(" (and {} more contacts of this batch)", count - 1);
  return first;
}

}  // namespace

BatchCopy::BatchCopy(const herald_batch& b) {
  auto len = [](const char* s) { return s ? std::strlen(s) + 1 : 0; };
  size_t total = len(b.run_id) + len(b.workflow) + len(b.revision) + len(b.step_id);
  for (size_t i = 0; i < b.count; ++i) {
    const herald_contact* c = b.contacts[i];
    total += len(c->external_id) + len(c->email) + len(c->phone) + len(c->timezone) +
             len(c->locale) + len(c->first_name) + len(c->last_name) + len(c->attributes_json) +
             len(c->tags_json) + len(c->vars_json) + len(c->config_json) + len(c->delivery_key) +
             4 * 3;  // room for "{}"/"[]" stand-ins for NULL JSON
  }
  arena_ = std::make_unique<char[]>(total);
  char* p = arena_.get();
  auto copy = [&p](const char* s, const char* fallback = nullptr) -> const char* {
    if (!s) s = fallback;
    if (!s) return nullptr;
    const size_t n = std::strlen(s) + 1;
    std::memcpy(p, s, n);
    const char* out = p;
    p += n;
    return out;
  };
  batch_.struct_size = sizeof(herald_batch);
  batch_.run_id = copy(b.run_id);
  batch_.workflow = copy(b.workflow);
  batch_.revision = copy(b.revision);
  batch_.step_id = copy(b.step_id);
  batch_.now_ms = b.now_ms;
  batch_.dry_run = b.dry_run;
  batch_.count = b.count;
  contacts_.resize(b.count);
  pointers_.resize(b.count);
  for (size_t i = 0; i < b.count; ++i) {
    const herald_contact* in = b.contacts[i];
    herald_contact& c = contacts_[i];
    c.struct_size = sizeof(herald_contact);
    c.id = in->id;
    c.external_id = copy(in->external_id);
    c.email = copy(in->email);
    c.phone = copy(in->phone);
    c.timezone = copy(in->timezone);
    c.locale = copy(in->locale);
    c.first_name = copy(in->first_name);
    c.last_name = copy(in->last_name);
    c.attributes_json = copy(in->attributes_json, "{}");
    c.tags_json = copy(in->tags_json, "[]");
    c.vars_json = copy(in->vars_json, "{}");
    c.config_json = copy(in->config_json, "{}");
    c.delivery_key = copy(in->delivery_key);
    pointers_[i] = &c;
  }
  batch_.contacts = pointers_.data();
}

InstanceCore::~InstanceCore() {
  if (!instance || !type || !type->destroy) return;
  try {
    type->destroy(instance);
  } catch (...) {
    if (ctx) log::error(ctx->log_source, "plugin threw an exception from destroy() (plugin bug)");
  }
}

herald_call* registerCall(std::shared_ptr<CallState> state) {
  return table().add(std::move(state));
}

bool failCall(const std::shared_ptr<CallState>& st, std::string error) {
  std::function<void(BatchResult)> done;
  std::unique_ptr<boost::asio::steady_timer> timer;
  {
    std::lock_guard lock(st->mu);
    if (st->resolved) return false;
    st->resolved = true;
    done = std::move(st->done);
    timer = std::move(st->timer);
  }
  dropTimer(st->io, std::move(timer));
  BatchResult r;
  r.ok = false;
  r.error = std::move(error);
  if (done) done(std::move(r));
  return true;
}

void armDeadline(const std::shared_ptr<CallState>& st,
                 std::chrono::steady_clock::time_point expiry) {
  std::lock_guard lock(st->mu);
  if (st->resolved || !st->io) return;
  st->timer = std::make_unique<boost::asio::steady_timer>(*st->io, expiry);
  st->timer->async_wait([st](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: the plugin completed in time
    std::function<void(BatchResult)> done;
    {
      std::lock_guard l(st->mu);
      if (st->resolved) return;
      st->resolved = true;
      st->timed_out = true;
      done = std::move(st->done);
      // This handler is running, so the timer has nothing left to cancel;
      // destroy it here, on the io_context's thread.
      st->timer.reset();
    }
    BatchResult r;
    r.ok = false;
    r.error = fmt::format(
        "{} at step '{}' did not complete the batch within the step_deadline "
        "of {} ms",
        st->who, st->core->ctx->step_id, st->deadline.count());
    bug(*st, "missed_deadline", r.error + " (plugin bug); the batch fails");
    if (done) done(std::move(r));
    noticeCancel(st);
  });
}

void hostComplete(herald_call* call, herald_status status, const char* error,
                  const herald_outcome* outcomes, size_t count) {
  std::shared_ptr<CallState> st = table().findLive(call);
  if (!st) {
    if (auto tomb = table().findFinished(call)) {
      log::error(
          tomb->log_source,
          tomb->finished_how == "completed"
              ? tomb->who +
                    " called complete() twice for the same batch; the second "
                    "call is ignored (plugin bug)"
              : fmt::format("{} called complete() for a batch whose run_batch {} (the "
                            "batch already failed); ignored (plugin bug)",
                            tomb->who,
                            tomb->finished_how == "threw" ? "had thrown" : tomb->finished_how));
      if (auto host = tomb->host.lock())
        countBug(*host, tomb->plugin, tomb->step_id, "double_complete");
    } else {
      log::error("plugin",
                 "a plugin called complete() with an unknown or long-finished batch handle; "
                 "ignored (plugin bug)");
    }
    return;
  }

  BatchResult result;
  std::string garbage;
  if (status != HERALD_OK) {
    result.ok = false;
    result.error = log::hideSecrets(fmt::format("{} failed the batch: {}", st->who,
                                                error && *error ? error : "no reason given"));
  } else {
    garbage = copyOutcomes(st->who, st->batch.count(), outcomes, count, result.outcomes);
    if (!garbage.empty()) {
      result.ok = false;
      result.error = garbage;
      result.outcomes.clear();
    }
  }

  enum class Arrival { kInTime, kTwice, kLate };
  Arrival arrival = Arrival::kInTime;
  std::function<void(BatchResult)> done;
  std::unique_ptr<boost::asio::steady_timer> timer;
  {
    std::lock_guard lock(st->mu);
    if (st->plugin_completed) {
      arrival = Arrival::kTwice;  // two threads raced to complete the same call
    } else {
      st->plugin_completed = true;
      if (st->resolved) {
        arrival = Arrival::kLate;
      } else {
        st->resolved = true;
        done = std::move(st->done);
        timer = std::move(st->timer);
        result.previews = std::move(st->previews);
      }
    }
  }
  if (arrival == Arrival::kTwice) {
    bug(*st, "double_complete",
        st->who +
            " called complete() twice for the same batch; the second call is ignored "
            "(plugin bug)");
    return;
  }
  table().retire(call, tombstoneOf(*st, "completed"));
  st->core->in_flight.fetch_sub(1);
  if (arrival == Arrival::kLate) {
    bug(*st, "late_complete",
        fmt::format("{} completed a batch after its deadline of {} ms had passed; the late "
                    "result is ignored (plugin bug)",
                    st->who, st->deadline.count()));
    return;
  }
  if (!garbage.empty()) bug(*st, "invalid_result", garbage + " (plugin bug); the batch fails");
  if (const std::string undeclared =
          failUndeclaredBranches(st->who, st->core->branches, result.outcomes);
      !undeclared.empty())
    bug(*st, "undeclared_branch", undeclared + " (plugin bug); those contacts fail");
  dropTimer(st->io, std::move(timer));
  if (done) done(std::move(result));
}

void retireUncompletedCall(herald_call* call, const std::shared_ptr<CallState>& st,
                           const std::string& how) {
  {
    std::lock_guard lock(st->mu);
    if (st->plugin_completed) return;  // it completed, then threw: already retired
    st->plugin_completed = true;
  }
  table().retire(call, tombstoneOf(*st, how));
  st->core->in_flight.fetch_sub(1);
}

void hostPreview(herald_call* call, size_t contact_index, const char* preview) {
  std::shared_ptr<CallState> st = table().findLive(call);
  if (!st) {
    log::warn("plugin", "preview() for a finished or unknown batch ignored (plugin bug)");
    return;
  }
  if (contact_index >= st->batch.count() || !preview) {
    log::warn(st->core->ctx->log_source,
              fmt::format("{} sent a preview for contact index {} of a batch of {}; ignored",
                          st->who, contact_index, st->batch.count()));
    return;
  }
  std::lock_guard lock(st->mu);
  // A dry run's output is shown and kept: no secret a plugin echoed.
  if (!st->resolved) st->previews.emplace_back(contact_index, log::hideSecrets(preview));
}

std::shared_ptr<CallState> liveCall(herald_call* call) { return table().findLive(call); }

herald_step_ctx* hostCallStep(herald_call* call) {
  std::shared_ptr<CallState> st = table().findLive(call);
  return st ? st->core->ctx.get() : nullptr;
}

}  // namespace herald::plugin
