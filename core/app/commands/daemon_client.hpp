#pragma once
// How a CLI verb talks to the running daemon (`herald reload`, `herald
// workflows`): one request over the control socket in the config's
// runtime_dir (daemon/control_socket.hpp).
#include <nlohmann/json.hpp>

#include "app/command.hpp"

namespace herald::app {

// The daemon's answer. When no daemon answers (or it fails to), prints why,
// naming the socket, and throws CommandFailed{1}.
nlohmann::json askDaemon(AppContext& ctx, const nlohmann::json& request);

}  // namespace herald::app
