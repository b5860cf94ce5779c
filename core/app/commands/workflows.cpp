// `herald workflows list|show NAME|pause NAME|resume NAME [--json]`: what the
// running daemon serves, asked over its control socket. Pausing stops
// enrolment (stored, so it survives a restart); journeys already in flight go on.
#include <fmt/format.h>

#include <iostream>

#include "app/command.hpp"
#include "app/commands/daemon_client.hpp"

namespace herald::app {
namespace {

struct WorkflowsFlags {
  std::string name;
  bool json = false;
};

// A field of the daemon's description as one word for the table ("-" when
// it has none).
std::string text(const nlohmann::json& w, const char* key) {
  auto it = w.find(key);
  if (it == w.end() || it->is_null()) return "-";
  if (it->is_string()) return it->get<std::string>().empty() ? "-" : it->get<std::string>();
  if (it->is_boolean()) return it->get<bool>() ? "yes" : "no";
  if (it->is_object()) {
    // trigger: {type: event, event: signed_up} and the like: "event signed_up".
    std::string out = it->value("type", std::string());
    for (const auto& [k, v] : it->items()) {
      if (k == "type") continue;
      out += (out.empty() ? "" : " ") + (v.is_string() ? v.get<std::string>() : v.dump());
    }
    return out.empty() ? "-" : out;
  }
  return it->dump();
}

int64_t journeys(const nlohmann::json& w, const char* kind) {
  auto it = w.find("journeys");
  if (it == w.end() || !it->is_object()) return 0;
  return it->value(kind, int64_t{0});
}

// The last run started ("#12 done 2026-12-07T09:00:00Z"), else the last
// cron firing (a paused schedule records firings that started no run).
std::string lastRun(const nlohmann::json& w) {
  auto run = w.find("last_run");
  if (run == w.end() || !run->is_object()) return text(w, "last_firing");
  return fmt::format("#{} {} {}", run->value("id", int64_t{0}), text(*run, "status"),
                     text(*run, "started"));
}

std::string shortRevision(const nlohmann::json& w) {
  const std::string r = w.value("revision", std::string());
  return r.size() > 12 ? r.substr(0, 12) : r;
}

void printList(const nlohmann::json& list) {
  if (list.empty()) {
    std::cout << "the daemon serves no workflow (its workflows_dir has no *.yaml)\n";
    return;
  }
  const std::string row = "{:<24} {:<12} {:<28} {:<20} {:>7} {:>8} {:<20} {}\n";
  std::cout << fmt::format(fmt::runtime(row), "NAME", "REVISION", "TRIGGER", "NEXT FIRING",
                           "ACTIVE", "WAITING", "LAST RUN", "PAUSED");
  for (const auto& w : list) {
    std::cout << fmt::format(fmt::runtime(row), text(w, "name"), shortRevision(w),
                             text(w, "trigger"), text(w, "next_firing"), journeys(w, "active"),
                             journeys(w, "waiting"), lastRun(w),
                             w.value("paused", false) ? "paused" : "no");
  }
}

void printOne(const nlohmann::json& w) {
  std::cout << "workflow:     " << text(w, "name") << '\n'
            << "file:         " << text(w, "file") << '\n'
            << "revision:     " << text(w, "revision") << '\n'
            << "trigger:      " << text(w, "trigger") << '\n'
            << "next firing:  " << text(w, "next_firing") << '\n'
            << "journeys:     " << journeys(w, "active") << " active, " << journeys(w, "waiting")
            << " waiting\n"
            << "last run:     " << lastRun(w) << '\n'
            << "paused:       " << (w.value("paused", false) ? "yes (enrols no one)" : "no")
            << '\n';
  auto q = w.find("quarantined");
  if (q != w.end() && q->is_array() && !q->empty()) {
    std::cout << "quarantined:\n";
    for (const auto& s : *q)
      std::cout << "  " << (s.is_string() ? s.get<std::string>() : s.dump()) << '\n';
  }
}

int runWorkflows(AppContext& ctx, const std::string& command, const WorkflowsFlags& flags) {
  nlohmann::json request = {{"command", "workflows." + command}};
  if (command != "list") request["name"] = flags.name;
  const nlohmann::json answer = askDaemon(ctx, request);
  if (!answer.value("ok", false)) {
    std::cerr << "herald: error: " << answer.value("error", std::string("the daemon said no"))
              << '\n';
    return 1;
  }
  if (command == "list") {
    const auto list = answer.value("workflows", nlohmann::json::array());
    if (flags.json)
      std::cout << list.dump(2) << '\n';
    else
      printList(list);
    return 0;
  }
  const auto w = answer.value("workflow", nlohmann::json::object());
  if (flags.json) {
    std::cout << w.dump(2) << '\n';
  } else if (command == "show") {
    printOne(w);
  } else {
    std::cout << (command == "pause" ? "paused " : "resumed ") << flags.name
              << (command == "pause" ? ": it enrols no one until 'herald workflows resume "
                                     : ": it enrols again")
              << (command == "pause" ? flags.name + "'; journeys in flight go on" : "") << '\n';
  }
  return 0;
}

}  // namespace

void addWorkflowsCommand(CLI::App& app, AppContext& ctx, int& exit_code) {
  auto flags = std::make_shared<WorkflowsFlags>();
  CLI::App* cmd = app.add_subcommand(
      "workflows", "See and steer what the running daemon serves (over its control socket)");
  cmd->require_subcommand(1);
  auto add = [&](const std::string& name, const std::string& help, bool takes_name) {
    CLI::App* sub = cmd->add_subcommand(name, help);
    if (takes_name) sub->add_option("NAME", flags->name, "The workflow's name")->required();
    sub->add_flag("--json", flags->json, "Print the daemon's answer as JSON");
    sub->callback([&ctx, &exit_code, flags, name] { exit_code = runWorkflows(ctx, name, *flags); });
  };
  add("list",
      "Every served workflow: revision, trigger, next scheduled firing, journeys active and "
      "waiting, last run, paused",
      false);
  add("show", "One served workflow in full, with its quarantined steps", true);
  add("pause", "Stop enrolling into a workflow (stored; journeys in flight go on)", true);
  add("resume", "Enrol into a paused workflow again", true);
}

}  // namespace herald::app
