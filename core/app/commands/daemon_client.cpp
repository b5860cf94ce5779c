#include "app/commands/daemon_client.hpp"

#include <chrono>
#include <iostream>

#include "daemon/control_socket.hpp"

namespace herald::app {

nlohmann::json askDaemon(AppContext& ctx, const nlohmann::json& request) {
  // A reload validates every workflow and may count contacts for warnings:
  // give it time; everything else answers at once.
  constexpr auto kTimeout = std::chrono::minutes(5);
  try {
    return daemon::controlRequest(daemon::controlSocketPath(ctx.config().runtime_dir), request,
                                  kTimeout);
  } catch (const daemon::ControlError& e) {
    std::cerr << "herald: error: " << e.what() << '\n';
    throw CommandFailed{1};
  }
}

}  // namespace herald::app
