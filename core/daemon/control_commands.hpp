#pragma once
// What the control socket's commands do (the protocol is in control_socket.hpp):
// each request is answered from daemon::Control, on the io_context thread.
#include <nlohmann/json.hpp>

#include "daemon/control.hpp"

namespace herald::daemon {

nlohmann::json answerControlRequest(Control& control, const nlohmann::json& request);

}  // namespace herald::daemon
