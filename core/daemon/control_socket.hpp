#pragma once
// The daemon's control socket: RUNTIME_DIR/herald.sock, a Unix stream socket
// of mode 0600 (only the daemon's own user may talk to it). The protocol is
// one JSON request line and one JSON answer line, then the daemon closes:
//
//   -> {"command": "reload"}
//   <- {"ok": false, "error": "...", "diagnostics": [{"file": ..., "line": ...,
//       "column": ..., "severity": "error", "message": ...}]}
//
// Commands: reload, status, workflows.list, workflows.show / workflows.pause /
// workflows.resume (with "name"). Every answer has "ok"; a failed one has
// "error" (one line) and may have "diagnostics".
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace herald::daemon {

// RUNTIME_DIR/herald.sock.
std::filesystem::path controlSocketPath(const std::filesystem::path& runtime_dir);

// The daemon's side. The handler runs on the io_context thread.
class ControlServer {
 public:
  using Handler = std::function<nlohmann::json(const nlohmann::json& request)>;
  ControlServer(boost::asio::io_context& io, std::filesystem::path path, Handler handler);
  ~ControlServer();  // closes and removes the socket file
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Binds (mode 0600) and accepts. Throws std::runtime_error naming the
  // path when it cannot, or when another daemon already answers there.
  void start();
  void stop();

 private:
  void accept();
  boost::asio::io_context& io_;
  std::filesystem::path path_;
  Handler handler_;
  std::unique_ptr<boost::asio::local::stream_protocol::acceptor> acceptor_;
};

// The CLI's side (blocking): sends `request`, returns the answer. Throws
// ControlError saying what went wrong and naming the socket (no daemon, a
// timeout, an answer that is not JSON).
struct ControlError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
nlohmann::json controlRequest(const std::filesystem::path& socket, const nlohmann::json& request,
                              std::chrono::milliseconds timeout);

}  // namespace herald::daemon
