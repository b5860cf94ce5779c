#include "daemon/control_commands.hpp"

#include <string>

#include "util/diagnostic_json.hpp"

namespace herald::daemon {
namespace {

nlohmann::json failure(const std::string& error) { return {{"ok", false}, {"error", error}}; }

std::string servedNames(Control& control) {
  std::string names;
  for (const auto& w : control.listWorkflows())
    names += (names.empty() ? "" : ", ") + w.value("name", std::string());
  return names.empty() ? "none" : names;
}

nlohmann::json unknownWorkflow(Control& control, const std::string& name) {
  return failure("no workflow named '" + name + "' is served; served: " + servedNames(control));
}

}  // namespace

nlohmann::json answerControlRequest(Control& control, const nlohmann::json& request) {
  const std::string command = request.value("command", std::string());
  const std::string name = request.contains("name") && request["name"].is_string()
                               ? request["name"].get<std::string>()
                               : "";
  if (command == "reload") {
    const Diagnostics diags = control.reload();
    nlohmann::json answer = {{"ok", !diags.hasErrors()},
                             {"diagnostics", diagnosticsToJson(diags)},
                             {"workflows", control.health().workflows}};
    if (diags.hasErrors()) {
      const size_t n = diags.errorCount();
      answer["error"] = std::to_string(n) + (n == 1 ? " error" : " errors") +
                        "; nothing was changed: the workflows served before keep running";
    }
    return answer;
  }
  if (command == "status") {
    const Health h = control.health();
    return {{"ok", true},
            {"store_ok", h.store_ok},
            {"loaded", h.loaded},
            {"draining", h.draining},
            {"workflows", h.workflows},
            {"journeys_waiting", h.journeys_waiting},
            {"last_error", h.last_error}};
  }
  if (command == "workflows.list") return {{"ok", true}, {"workflows", control.listWorkflows()}};
  if (command == "workflows.show" || command == "workflows.pause" ||
      command == "workflows.resume") {
    if (name.empty()) return failure(command + " needs the workflow's \"name\"");
    if (command != "workflows.show" && !control.setPaused(name, command == "workflows.pause"))
      return unknownWorkflow(control, name);
    auto shown = control.showWorkflow(name);
    if (!shown) return unknownWorkflow(control, name);
    return {{"ok", true}, {"workflow", *shown}};
  }
  return failure("unknown command '" + command +
                 "'; commands: reload, status, workflows.list, workflows.show, "
                 "workflows.pause, workflows.resume");
}

}  // namespace herald::daemon
