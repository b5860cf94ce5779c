// `herald run WORKFLOW.yaml [--dry-run] [--limit N] [--contact ID] [--json]`:
// validate, then start or resume the workflow's run, process every journey
// that is due now, and report per-step counts and where the output went.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <charconv>
#include <csignal>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "app/command.hpp"
#include "engine/engine.hpp"
#include "engine/report.hpp"
#include "engine/run_plan.hpp"
#include "plugin/crash_report.hpp"
#include "store/db_lock.hpp"
#include "util/log.hpp"

namespace herald::app {
namespace {

struct RunFlags {
  std::string file;
  bool dry_run = false;
  std::optional<int64_t> limit;
  std::string contact;
  std::string sample_contact;
  bool json = false;
};

// Where a delivery step's messages end up, for the report. The embedded
// outbox writes files we can point at (same rule as plugins/outbox: `dir` as
// configured, relative paths from the working directory, else
// STATE_DIR/outbox); other channel plugins hand messages to their providers.
std::string outputLocation(const plugin::StepTypeInfo& type, const config::DaemonConfig& cfg) {
  if (type.plugin != "outbox") return "";
  std::filesystem::path dir = cfg.state_dir / "outbox";
  if (auto s = cfg.plugin_settings.find("outbox");
      s != cfg.plugin_settings.end() && s->is_object()) {
    if (auto d = s->find("dir"); d != s->end() && d->is_string()) dir = d->get<std::string>();
  }
  dir = dir.lexically_normal();
  if (type.channel == "email") return (dir / "new").string();
  if (type.channel == "sms") return (dir / "sms.jsonl").string();
  return dir.string();
}

std::optional<int64_t> resolveContact(store::Store& store, const std::string& text) {
  if (auto c = store.contactByExternalId(text)) return c->id;
  int64_t id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec == std::errc() && p == text.data() + text.size()) {
    if (auto c = store.contactById(id)) return c->id;
  }
  return std::nullopt;
}

struct Delivery {
  const engine::StepRuntime* step;
  engine::StepActivity activity;
  std::string location;
  std::string channel;
};

struct Report {
  const engine::RunPlan& plan;
  const engine::RunResult& result;
  std::vector<engine::StepRow> rows;        // the run's totals
  std::vector<Delivery> deliveries;         // this invocation
  int64_t journey_steps = 0;                // journeys handled by this invocation, over all steps
  std::vector<store::Run> other_revisions;  // unfinished runs of this workflow's other revisions
  std::optional<int64_t> sample_contact;    // --sample-contact
};

Report buildReport(const engine::RunPlan& plan, const engine::RunResult& result,
                   store::Store& store, const config::DaemonConfig& cfg) {
  Report r{plan, result, {}, {}, 0, {}, {}};
  for (const auto& other : store.listRuns(1000)) {
    if (other.workflow == result.run.workflow && other.revision != result.run.revision &&
        other.dry_run == result.run.dry_run &&
        (other.status == store::RunStatus::kRunning ||
         other.status == store::RunStatus::kWaiting)) {
      r.other_revisions.push_back(other);
    }
  }
  r.rows = engine::buildStepRows(store.stepCounts(result.run.id), &plan.workflow());
  for (const auto& [id, a] : result.activity) r.journey_steps += a.journeys;
  for (const auto& rt : plan.steps()) {
    if (rt.builtin() || !rt.delivery()) continue;
    auto it = result.activity.find(rt.step->id);
    r.deliveries.push_back({&rt, it != result.activity.end() ? it->second : engine::StepActivity{},
                            outputLocation(*rt.type, cfg),
                            rt.type->channel.empty() ? rt.step->uses : rt.type->channel});
  }
  return r;
}

std::string messagesLine(const Report& r) {
  const bool dry = r.result.run.dry_run;
  // One part per destination, in step order: steps that write to the same
  // place on the same channel (two email steps into one outbox) add up.
  std::vector<std::pair<std::string, int64_t>> parts;  // "{} written to X (email)", count
  for (const auto& d : r.deliveries) {
    std::string part;
    if (dry) {
      part = fmt::format("by '{}' ({})", d.step->step->id, d.channel);
    } else if (!d.location.empty()) {
      part = fmt::format("written to {} ({})", d.location, d.channel);
    } else {
      part =
          fmt::format("sent by '{}' via {} ({})", d.step->step->id, d.step->step->uses, d.channel);
    }
    auto same =
        std::find_if(parts.begin(), parts.end(), [&](const auto& p) { return p.first == part; });
    if (same != parts.end()) {
      same->second += d.activity.delivered;
    } else {
      parts.emplace_back(std::move(part), d.activity.delivered);
    }
  }
  std::vector<std::string> shown;
  for (const auto& [part, n] : parts) shown.push_back(fmt::format("{} {}", n, part));
  return fmt::format("{}{}",
                     dry ? "messages that would be sent: " : "messages: ", fmt::join(shown, ", "));
}

void printText(std::ostream& out, const Report& r, const std::string& file) {
  const auto& res = r.result;
  const auto& run = res.run;
  out << fmt::format("run {} of '{}' (revision {}, {})\n", run.id, run.workflow,
                     run.revision.substr(0, 12), res.resumed ? "resumed" : "new");
  if (run.dry_run) out << "DRY RUN: nothing was delivered and nothing written to the send ledger\n";
  out << fmt::format("enrolled: {} now, {} in the run\n\n", res.enrolled_now, run.enrolled_count);
  engine::printStepTable(out, r.rows);
  out << '\n';

  if (!r.deliveries.empty()) {
    out << messagesLine(r) << '\n';
    int64_t already = 0, refused = 0, unknown = 0, redelivered = 0, deferred = 0, settled = 0;
    std::map<std::string, int64_t> refused_by;
    for (const auto& d : r.deliveries) {
      already += d.activity.already_sent;
      refused += d.activity.refused;
      for (const auto& [decision, n] : d.activity.refused_by) refused_by[decision] += n;
      unknown += d.activity.unknown;
      redelivered += d.activity.redelivered;
      deferred += d.activity.deferred;
      settled += d.activity.settled_by_event;
    }
    if (already) out << fmt::format("not sent again: {} already sent earlier\n", already);
    if (refused) {
      std::vector<std::string> parts;
      for (const auto& [decision, n] : refused_by)
        parts.push_back(fmt::format("{} {}", n, decision));
      out << fmt::format("not sent: {} refused by policy ({})\n", refused, fmt::join(parts, ", "));
    }
    if (deferred) {
      out << fmt::format("{}: {} within quiet hours, sent when they end\n",
                         res.run.dry_run ? "would be deferred" : "deferred", deferred);
    }
    if (unknown) {
      out << fmt::format("not resent: {} whose outcome a crash left unknown (on_unknown: skip)\n",
                         unknown);
    }
    if (redelivered) {
      out << fmt::format(
          "delivered again: {} left unknown by a crash (on_unknown: resend, or an idempotent "
          "step)\n",
          redelivered);
    }
    if (settled) {
      out << fmt::format("settled as sent: {} left unknown by a crash, named by a provider event\n",
                         settled);
    }
  }
  if (auto empty = engine::describeUndefined(r.plan.workflow(), res.activity); !empty.empty()) {
    out << "empty template variables (no default; settings.undefined_variables: lenient):\n";
    for (const auto& line : empty) out << "  " << line << '\n';
  }
  std::vector<const engine::Sample*> samples;
  for (const auto& s : res.samples) samples.push_back(&s);
  auto stepIndex = [&](const engine::Sample* s) {
    const engine::StepRuntime* rt = r.plan.find(s->step_id);
    return rt ? rt->index : 0;
  };
  std::stable_sort(samples.begin(), samples.end(),
                   [&](const auto* a, const auto* b) { return stepIndex(a) < stepIndex(b); });
  for (const engine::Sample* sample : samples) {
    const engine::Sample& s = *sample;
    const engine::StepRuntime* rt = r.plan.find(s.step_id);
    out << fmt::format("\nsample message from step '{}' ({}) for contact {}:\n", s.step_id,
                       rt ? rt->step->uses : "", s.contact_id);
    out << "----8<----\n" << s.text;
    if (!s.text.empty() && s.text.back() != '\n') out << '\n';
    out << "----8<----\n";
  }
  if (run.dry_run) {
    for (const auto& d : r.deliveries) {
      bool have = false;
      for (const auto& s : res.samples) have = have || s.step_id == d.step->step->id;
      if (have) continue;
      if (r.sample_contact) {
        out << fmt::format("\nno sample from step '{}': contact {} did not reach it\n",
                           d.step->step->id, *r.sample_contact);
      } else if (d.activity.delivered == 0) {
        out << fmt::format("\nno sample from step '{}': no contact reached it\n", d.step->step->id);
      }
    }
  }

  for (const auto& other : r.other_revisions) {
    // A changed file is a new revision with journeys of its own; the old
    // run's journeys still finish on the revision they started on.
    out << fmt::format(
        "\nnote: run {} of an earlier revision ({}) of '{}' is still {}; its journeys finish on "
        "that revision (run that file again, or let the daemon finish it)\n",
        other.id, other.revision.substr(0, 12), other.workflow, store::toString(other.status));
  }

  const auto& j = res.journeys;
  out << '\n' << engine::describeJourneys(j);
  if (j.failed > 0 || j.refused > 0) out << fmt::format(" (reasons: herald runs show {})", run.id);
  out << '\n';
  if (auto waiting = engine::describeWaiting(j); !waiting.empty()) {
    out << waiting << "; run 'herald run " << file << "' again then to go on\n";
  }
  const double rate = res.seconds > 0 ? static_cast<double>(r.journey_steps) / res.seconds : 0;
  out << fmt::format("run {}: {} ({} journey steps in {:.2f} s, {:.0f}/s)\n", run.id,
                     store::toString(run.status), r.journey_steps, res.seconds, rate);
}

nlohmann::json toJson(const Report& r) {
  const auto& res = r.result;
  nlohmann::json out;
  out["run"] = engine::toJson(res.run);
  out["resumed"] = res.resumed;
  out["enrolled_now"] = res.enrolled_now;
  out["steps"] = engine::toJson(r.rows);
  out["journeys"] = engine::toJson(res.journeys);
  nlohmann::json messages = nlohmann::json::array();
  for (const auto& d : r.deliveries) {
    messages.push_back(
        {{"step", d.step->step->id},
         {"type", d.step->step->uses},
         {"channel", d.channel},
         {"delivered", d.activity.delivered},
         {"already_sent", d.activity.already_sent},
         {"refused", d.activity.refused},
         {"unknown", d.activity.unknown},
         {"redelivered", d.activity.redelivered},
         {"deferred", d.activity.deferred},
         {"settled_by_event", d.activity.settled_by_event},
         {"batch_failures", d.activity.batch_failures},
         {"location", d.location.empty() ? nlohmann::json() : nlohmann::json(d.location)}});
  }
  out["messages"] = std::move(messages);
  nlohmann::json samples = nlohmann::json::array();
  for (const auto& s : res.samples) {
    samples.push_back({{"step", s.step_id}, {"contact_id", s.contact_id}, {"text", s.text}});
  }
  out["samples"] = std::move(samples);
  out["undefined_variables"] = engine::undefinedToJson(r.plan.workflow(), res.activity);
  out["journey_steps"] = r.journey_steps;
  out["seconds"] = res.seconds;
  return out;
}

int runWorkflow(AppContext& ctx, const RunFlags& flags) {
  plugin::Registry& registry = ctx.plugins();
  Diagnostics diags;
  auto wf = engine::loadRunnable(flags.file, registry, diags);
  diags.sort();
  diags.print(std::cerr);
  if (!wf) return 1;

  if (wf->trigger.kind == workflow::Trigger::Kind::kEvent && flags.contact.empty()) {
    std::cerr << fmt::format(
        "herald: error: workflow '{}' starts on the event '{}': the daemon enrols a contact when "
        "its event arrives; to try it here, name one contact with --contact ID\n",
        wf->name, wf->trigger.event_type);
    return 1;
  }

  const config::DaemonConfig& cfg = ctx.config();
  store::Store& store = ctx.store(DbOpen::kCreate);
  store::DbLock lock;
  if (auto busy = lock.acquire(ctx.databasePath(), "herald run")) {
    std::cerr << "herald: error: " << *busy << '\n';
    return 1;
  }
  // The lock makes this the only `herald run` on the database, so claims a
  // killed earlier run left behind are ours to take back at once (as a
  // restarted daemon takes back its own); the daemon's claims stay its own.
  store.setClaimOwner("herald run", cfg.step_deadline.count() + 60'000);
  plugin::setCrashMarkerFile(ctx.databasePath().string() + ".crashed");
  engine::RunOptions options;
  options.dry_run = flags.dry_run;
  options.limit = flags.limit;
  options.batch_size = cfg.batch_size;
  options.step_deadline = cfg.step_deadline;
  options.delivery = std::make_shared<const config::DeliveryConfig>(cfg.delivery);
  // --contact and --sample-contact: false (said why) when the text names no contact.
  auto contactOption = [&store](const char* option, const std::string& text,
                                std::optional<int64_t>& id) {
    if (text.empty()) return true;
    id = resolveContact(store, text);
    if (!id)
      std::cerr << "herald: error: " << option << " '" << text
                << "': no contact has this external id or contact id\n";
    return id.has_value();
  };
  if (!contactOption("--contact", flags.contact, options.contact_id) ||
      !contactOption("--sample-contact", flags.sample_contact, options.sample_contact_id))
    return 1;
  if (options.contact_id)
    options.trigger = wf->trigger.kind == workflow::Trigger::Kind::kEvent ? "event" : "manual";

  auto plan = engine::RunPlan::build(std::move(*wf), registry, diags);
  if (!plan) {
    diags.sort();
    diags.print(std::cerr);
    return 1;
  }

  boost::asio::io_context io;
  engine::Engine engine(io, store, ctx.clock());
  std::optional<engine::RunResult> result;
  // Ctrl-C or SIGTERM: finish the batches in flight (they commit), then
  // report; the run stays resumable.
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  int stopped_by = 0;
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    stopped_by = signal;
    log::warn("run", "stopping after the batches in flight; run it again to go on");
    engine.stop();
  });
  // ABI 1.3 plugin services on this loop; no public listener here, so
  // webhooks are not served (docs/plugins.md).
  plugin::PluginRuntime runtime;
  runtime.loop = &io;
  runtime.clock = &ctx.clock();
  runtime.link_keys = cfg.links.keys;
  runtime.public_base_url = cfg.http.public_base_url;
  runtime.link_lifetime = cfg.links.lifetime;
  if (const auto problems = registry.startPlugins(std::move(runtime)); !problems.empty()) {
    for (const auto& p : problems) std::cerr << "herald: error: " << p << '\n';
    registry.stopPlugins();
    return 1;
  }
  try {
    engine.start(*plan, options, [&](engine::RunResult r) {
      result = std::move(r);
      signals.cancel();
      // Plugin timers and requests would keep the loop running.
      registry.stopPlugins();
    });
  } catch (const store::StoreError& e) {
    std::cerr << "herald: error: " << e.what() << '\n';
    registry.stopPlugins();
    return 1;
  }
  io.run();
  registry.stopPlugins();
  if (!result) {
    std::cerr << "herald: error: the engine stopped before the run finished\n";
    return 1;
  }

  Report report = buildReport(*plan, *result, store, cfg);
  report.sample_contact = options.sample_contact_id;
  if (flags.json) {
    std::cout << toJson(report).dump(2) << '\n';
  } else {
    printText(std::cout, report, flags.file);
  }
  if (result->error) {
    std::cerr << "herald: error: run " << result->run.id << " stopped: " << *result->error << "\n";
    return 1;
  }
  if (stopped_by != 0) {
    std::cerr << "herald: run " << result->run.id << " was interrupted; 'herald run " << flags.file
              << "' resumes it\n";
    return 128 + stopped_by;  // the shell's convention for "ended by signal N"
  }
  return 0;
}

}  // namespace

void addRunCommand(CLI::App& app, AppContext& ctx, int& exit_code) {
  auto flags = std::make_shared<RunFlags>();
  CLI::App* cmd = app.add_subcommand(
      "run",
      "Run a workflow over its audience: process every journey that is due now, then report "
      "(run it again to resume or to go on after waits)");
  cmd->add_option("WORKFLOW", flags->file, "The workflow file (YAML)")->required();
  cmd->add_flag("--dry-run", flags->dry_run,
                "Run every step but deliver nothing and write nothing to the send ledger; "
                "show one sample message per delivery step");
  cmd->add_option("--limit", flags->limit, "Enrol at most N contacts")->check(CLI::PositiveNumber);
  cmd->add_option("--contact", flags->contact,
                  "Enrol only this contact (external id or contact id); required for "
                  "event-triggered workflows");
  auto* sample = cmd->add_option("--sample-contact", flags->sample_contact,
                                 "Dry run: show this contact's message (external id or contact "
                                 "id) as each delivery step's sample");
  cmd->add_flag("--json", flags->json, "Print the report as JSON");
  cmd->callback([&ctx, &exit_code, flags, sample] {
    if (sample->count() > 0 && !flags->dry_run) {
      std::cerr << "herald: error: --sample-contact chooses whose message a dry run shows; add "
                   "--dry-run\n";
      exit_code = 2;
      return;
    }
    exit_code = runWorkflow(ctx, *flags);
  });
}

}  // namespace herald::app
