// Creating plugin step instances and running batches through them, with a
// catch around every call into plugin code.
#include <fmt/format.h>

#include "plugin/log_secrets.hpp"
#include "plugin/registry_impl.hpp"
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
    } catch (const std::exception& e) {
      failCall(st, fmt::format("{}: could not register the batch: {}", who(), e.what()));
      return;
    }
    core_->in_flight.fetch_add(1);

    std::string thrown;
    try {
      core_->type->run_batch(core_->instance, st->batch.get(), call);
    } catch (const std::exception& e) {
      thrown = e.what();
      if (thrown.empty()) thrown = "std::exception";
    } catch (...) {
      thrown = "an exception that is not a std::exception";
    }
    if (!thrown.empty()) {
      std::string msg = fmt::format("{} threw an exception from run_batch: {}", who(), thrown);
      countBug(*core_->ctx->host, core_->ctx->plugin_name, core_->ctx->step_id, "exception");
      const bool failed = failCall(st, msg);
      log::error(core_->ctx->log_source,
                 msg + (failed ? " (plugin bug); the batch fails"
                               : " after completing the batch (plugin bug)"));
      retireThrownCall(call, st);
      return;
    }
    if (deadline.count() <= 0) return;
    try {
      armDeadline(st, expiry);
    } catch (const std::exception& e) {
      // No timer means no deadline: fail now rather than risk waiting forever.
      failCall(st, fmt::format("{}: could not arm the deadline timer: {}", who(), e.what()));
    }
  }

 private:
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
    std::string msg =
        fmt::format("{} threw an exception from create(): {} (plugin bug)", who, thrown);
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
