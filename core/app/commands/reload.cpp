// `herald reload [--json]`: asks the running daemon to read its config and
// every workflow again and to swap only if all is valid; prints what it
// found (FILE:LINE:COL) and exits 1 when the daemon kept the old set.
#include <iostream>

#include "app/command.hpp"
#include "app/commands/daemon_client.hpp"
#include "util/diagnostic_json.hpp"

namespace herald::app {
namespace {

int runReload(AppContext& ctx, bool json) {
  const nlohmann::json answer = askDaemon(ctx, {{"command", "reload"}});
  const bool ok = answer.value("ok", false);
  if (json) {
    std::cout << answer.dump(2) << '\n';
    return ok ? 0 : 1;
  }
  diagnosticsFromJson(answer.value("diagnostics", nlohmann::json::array())).print(std::cerr);
  if (!ok) {
    std::cerr << "herald: error: reload failed: "
              << answer.value("error", std::string("the daemon said no")) << '\n';
    return 1;
  }
  const int64_t n = answer.value("workflows", int64_t{0});
  std::cout << "reloaded: serving " << n << (n == 1 ? " workflow" : " workflows") << '\n';
  return 0;
}

}  // namespace

void addReloadCommand(CLI::App& app, AppContext& ctx, int& exit_code) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "reload",
      "Make the running daemon read its config and every workflow again; it swaps only when "
      "everything is valid, else it keeps serving what it served and this prints the errors "
      "(FILE:LINE:COL) and exits 1");
  cmd->add_flag("--json", *json, "Print the daemon's answer as JSON");
  cmd->callback([&ctx, &exit_code, json] { exit_code = runReload(ctx, *json); });
}

}  // namespace herald::app
