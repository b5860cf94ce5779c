// Creating plugin step instances and running batches through them: each
// run_batch on a call-pool worker (never the engine's thread), with a catch
// around it, a crash report scope and the deadline kept by the engine's timer.
#include <fmt/format.h>

#include "plugin/crash_report.hpp"
#include "plugin/log_secrets.hpp"
#include "plugin/registry_impl.hpp"
#include "plugin/store_access.hpp"
#include "util/log.hpp"

namespace herald::plugin {
namespace {

class PluginStepInstance final : public StepInstance {
 public:
  explicit PluginStepInstance(std::shared_ptr<InstanceCore> core) : core_(std::move(core)) {}

  ~PluginStepInstance() override {
    const int pending = core_->in_flight.load();
    if (pending == 0) return;
    // The plugin may still touch the instance for batches it never
    // completed; destroying it now could crash the daemon. Keep it.
    log::error(core_->ctx->log_source,
               fmt::format("{} never completed {} batch{}; its instance is kept alive instead of "
                           "destroyed (plugin bug)",
                           who(), pending, pending == 1 ? "" : "es"));
    static std::mutex mu;
    // Leaked on purpose: destroying these at exit would run plugin code
    // (destroy(), late completions) after the host's own statics are gone.
    static auto* kept = new std::vector<std::shared_ptr<InstanceCore>>;
    std::lock_guard lock(mu);
    kept->push_back(core_);
  }

  void runBatch(const herald_batch& batch, std::chrono::milliseconds deadline,
                boost::asio::io_context& io, std::function<void(BatchResult)> done,
                const RunServices& services) override {
    const auto expiry = std::chrono::steady_clock::now() + deadline;
    HostShared& host = *core_->ctx->host;
    std::shared_ptr<CallState> st;
    try {
      st = std::make_shared<CallState>(core_, batch);
    } catch (const std::exception& e) {
      BatchResult r;
      r.ok = false;
      r.error = fmt::format("{}: could not prepare the batch: {}", who(), e.what());
      done(std::move(r));
      return;
    }
    st->who = who();
    st->services = services;
    st->deadline = deadline;
    st->io = &io;
    st->done = std::move(done);
    herald_call* call = nullptr;
    try {
      call = registerCall(st);
      st->handle = call;
    } catch (const std::exception& e) {
      failCall(st, fmt::format("{}: could not register the batch: {}", who(), e.what()));
      return;
    }
    core_->in_flight.fetch_add(1);
    try {
      // Armed here, on the engine's thread, before a worker takes the call:
      // time spent waiting for a worker counts against the deadline.
      if (deadline.count() > 0) armDeadline(st, expiry);
      host.calls.submit(core_->ctx->plugin_name, [st, call] { callOnWorker(st, call); });
    } catch (const std::exception& e) {
      // No timer means no deadline, no worker means no call: fail now
      // rather than risk waiting forever.
      failCall(st, fmt::format("{}: could not hand the batch over: {}", who(), e.what()));
      retireUncompletedCall(call, st, "was never handed over");
    }
  }

 private:
  // On a call-pool worker: run_batch, with a catch around it and a crash
  // report naming this call should the plugin kill the process.
  static void callOnWorker(const std::shared_ptr<CallState>& st, herald_call* call) {
    const InstanceCore& core = *st->core;
    const herald_step_ctx& ctx = *core.ctx;
    bool resolved = false;
    {
      std::lock_guard lock(st->mu);
      resolved = st->resolved;
    }
    if (resolved) {
      // Its deadline passed while the plugin's earlier calls held every
      // worker it may use: the batch already failed, so it is not handed over.
      log::warn(ctx.log_source,
                fmt::format("{}: a batch of step '{}' waited for a free worker past its deadline "
                            "(the plugin's earlier calls are still running) and was not handed "
                            "over",
                            st->who, ctx.step_id));
      retireUncompletedCall(call, st, "was never handed over");
      return;
    }
    const herald_batch& batch = *st->batch.get();
    const CrashReportScope report(fmt::format(
        "[{}] {} at step '{}' of workflow '{}', run {}, holding a batch of {} contact{}",
        ctx.log_source, st->who, ctx.step_id, batch.workflow ? batch.workflow : "",
        batch.run_id ? batch.run_id : "", batch.count, batch.count == 1 ? "" : "s"));
    const CallingEngineScope engine(st->io);
    std::string thrown;
    try {
      core.type->run_batch(core.instance, st->batch.get(), call);
    } catch (const std::exception& e) {
      thrown = e.what();
      if (thrown.empty()) thrown = "std::exception";
    } catch (...) {
      thrown = "an exception that is not a std::exception";
    }
    if (thrown.empty()) return;
    std::string msg =
        log::hideSecrets(fmt::format("{} threw an exception from run_batch: {}", st->who, thrown));
    countBug(*ctx.host, ctx.plugin_name, ctx.step_id, "exception");
    const bool failed = failCall(st, msg);
    log::error(ctx.log_source, msg + (failed ? " (plugin bug); the batch fails"
                                             : " after completing the batch (plugin bug)"));
    retireUncompletedCall(call, st, "threw");
  }

  std::string who() const { return describeStep(core_->ctx->plugin_name, core_->ctx->type); }

  std::shared_ptr<InstanceCore> core_;
};

}  // namespace

std::shared_ptr<InstanceCore> createInstance(const std::shared_ptr<HostShared>& host,
                                             const std::shared_ptr<LoadedPlugin>& plugin,
                                             const StepTypeInfo& type, const std::string& step_id,
                                             const nlohmann::json& config, const StepSetup& setup,
                                             std::vector<ConfigProblem>& problems) {
  auto core = std::make_shared<InstanceCore>();
  core->type = type.abi;
  core->branches = type.branches;
  core->ctx = std::make_unique<herald_step_ctx>();
  herald_step_ctx& ctx = *core->ctx;
  ctx.host = host;
  ctx.plugin = plugin;
  ctx.plugin_name = plugin->name;
  ctx.type = type.name;
  ctx.step_id = step_id;
  ctx.log_source = plugin->name + "/" + step_id;
  ctx.workflow = setup.workflow;
  ctx.settings_json = host->settingsFor(plugin->name);
  ctx.timezone = setup.timezone.empty() ? "UTC" : setup.timezone;

  const std::string who = describeStep(plugin->name, type.name);
  registerStepSecrets(type.schema, config);
  // The host's own part of the config first: a broken rule is reported at
  // its place, and the plugin is still asked for its problems below.
  const bool rules_ok = parseSegmentFields(type.schema, config, setup, ctx.segment_rules, problems);
  const std::string text = config.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const size_t before = problems.size();
  {
    std::lock_guard lock(ctx.diag_mu);
    ctx.diagnostics = &problems;
  }
  void* instance = nullptr;
  herald_status status = HERALD_ERR_INTERNAL;
  std::string thrown;
  try {
    status = type.abi->create(hostApi(), &ctx, text.c_str(), &instance);
  } catch (const std::exception& e) {
    thrown = e.what();
  } catch (...) {
    thrown = "an exception that is not a std::exception";
  }
  {
    std::lock_guard lock(ctx.diag_mu);
    ctx.diagnostics = nullptr;
  }
  if (!thrown.empty()) {
    std::string msg = log::hideSecrets(
        fmt::format("{} threw an exception from create(): {} (plugin bug)", who, thrown));
    log::error(ctx.log_source, msg);
    problems.push_back({"", msg});
    return nullptr;
  }
  const bool reported = problems.size() > before;
  if (status != HERALD_OK) {
    if (!reported)
      problems.push_back({"", fmt::format("{} refused this config (status {}) without saying why",
                                          who, static_cast<int>(status))});
    return nullptr;  // an instance it may have set anyway is not ours to destroy
  }
  if (!instance) {
    problems.push_back({"", who + " reported success from create() but returned no instance "
                                  "(plugin bug)"});
    return nullptr;
  }
  core->instance = instance;
  if (reported || !rules_ok) return nullptr;  // created, but with problems: destroyed with `core`
  return core;
}

std::unique_ptr<StepInstance> makeStepInstance(std::shared_ptr<InstanceCore> core) {
  return std::make_unique<PluginStepInstance>(std::move(core));
}

}  // namespace herald::plugin
