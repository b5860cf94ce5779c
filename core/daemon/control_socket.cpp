#include "daemon/control_socket.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/buffers_iterator.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>

#include "util/log.hpp"

namespace herald::daemon {
namespace {

using boost::asio::local::stream_protocol;
constexpr size_t kMaxRequest = 1 << 20;  // a posted workflow fits; nothing larger is a request
constexpr auto kSessionTimeout = std::chrono::seconds(10);

// One connection: read a line, answer it, close. The timer closes a client
// that never finishes its line.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(stream_protocol::socket socket, const ControlServer::Handler& handler)
      : socket_(std::move(socket)),
        handler_(handler),
        buffer_(kMaxRequest),
        timer_(socket_.get_executor()) {}

  void start() {
    auto self = shared_from_this();
    timer_.expires_after(kSessionTimeout);
    timer_.async_wait([self](const boost::system::error_code& ec) {
      if (!ec) self->socket_.close();
    });
    boost::asio::async_read_until(
        socket_, buffer_, '\n', [self](const boost::system::error_code& ec, size_t n) {
          nlohmann::json answer;
          if (ec) {
            if (ec != boost::asio::error::not_found) return;  // closed or timed out
            answer = {{"ok", false}, {"error", "request longer than 1 MiB"}};
          } else {
            std::string line(
                boost::asio::buffers_begin(self->buffer_.data()),
                boost::asio::buffers_begin(self->buffer_.data()) + static_cast<std::ptrdiff_t>(n));
            answer = self->answer(line);
          }
          self->reply_ = answer.dump() + "\n";
          boost::asio::async_write(self->socket_, boost::asio::buffer(self->reply_),
                                   [self](const boost::system::error_code&, size_t) {
                                     self->timer_.cancel();
                                     boost::system::error_code ignored;
                                     self->socket_.close(ignored);
                                   });
        });
  }

 private:
  nlohmann::json answer(const std::string& line) {
    const auto request = nlohmann::json::parse(line, nullptr, false);
    if (request.is_discarded() || !request.is_object() || !request.contains("command") ||
        !request["command"].is_string())
      return {{"ok", false}, {"error", "a request is one JSON object with a \"command\""}};
    try {
      return handler_(request);
    } catch (const std::exception& e) {
      return {{"ok", false}, {"error", e.what()}};
    }
  }

  stream_protocol::socket socket_;
  const ControlServer::Handler& handler_;
  boost::asio::streambuf buffer_;
  boost::asio::steady_timer timer_;
  std::string reply_;
};

// A blocking connect with the socket's path in every error.
int connectTo(const std::filesystem::path& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string p = path.string();
  if (p.size() >= sizeof addr.sun_path)
    throw ControlError("the control socket path " + p + " is too long for a Unix socket");
  std::memcpy(addr.sun_path, p.c_str(), p.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw ControlError(std::string("cannot create a socket: ") + std::strerror(errno));
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == ENOENT || err == ECONNREFUSED)
      throw ControlError("no herald daemon answers on " + p +
                         " (is 'herald serve' running with this config? its runtime_dir "
                         "holds the control socket)");
    throw ControlError("cannot connect to the daemon's control socket " + p + ": " +
                       std::strerror(err));
  }
  return fd;
}

}  // namespace

std::filesystem::path controlSocketPath(const std::filesystem::path& runtime_dir) {
  return runtime_dir / "herald.sock";
}

ControlServer::ControlServer(boost::asio::io_context& io, std::filesystem::path path,
                             Handler handler)
    : io_(io), path_(std::move(path)), handler_(std::move(handler)) {}

ControlServer::~ControlServer() { stop(); }

void ControlServer::start() {
  std::error_code ec;
  std::filesystem::create_directories(path_.parent_path(), ec);
  if (std::filesystem::exists(std::filesystem::symlink_status(path_, ec))) {
    // A socket left by a daemon that died, unless someone still answers.
    try {
      ::close(connectTo(path_));
      throw std::runtime_error("another herald daemon answers on its control socket " +
                               path_.string() + "; give each daemon its own runtime_dir");
    } catch (const ControlError&) {
      std::filesystem::remove(path_, ec);
    }
  }
  acceptor_ = std::make_unique<stream_protocol::acceptor>(io_);
  boost::system::error_code bec;
  acceptor_->open(stream_protocol(), bec);
  // Never group- or world-accessible, not even between bind and chmod.
  const mode_t old_mask = ::umask(0177);
  if (!bec) acceptor_->bind(stream_protocol::endpoint(path_.string()), bec);
  ::umask(old_mask);
  if (!bec) acceptor_->listen(boost::asio::socket_base::max_listen_connections, bec);
  if (bec) {
    acceptor_.reset();
    throw std::runtime_error("cannot listen on the control socket " + path_.string() + ": " +
                             bec.message());
  }
  ::chmod(path_.c_str(), 0600);
  accept();
}

void ControlServer::stop() {
  if (!acceptor_) return;
  boost::system::error_code ignored;
  acceptor_->close(ignored);
  acceptor_.reset();
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

void ControlServer::accept() {
  acceptor_->async_accept(
      [this](const boost::system::error_code& ec, stream_protocol::socket socket) {
        if (ec == boost::asio::error::operation_aborted || !acceptor_) return;
        if (!ec) std::make_shared<Session>(std::move(socket), handler_)->start();
        accept();
      });
}

nlohmann::json controlRequest(const std::filesystem::path& socket, const nlohmann::json& request,
                              std::chrono::milliseconds timeout) {
  const int fd = connectTo(socket);
  const std::string line = request.dump() + "\n";
  std::string answer;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto wait = [&](short events) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd, events, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
      ::close(fd);
      throw ControlError("the daemon on " + socket.string() + " did not answer within " +
                         std::to_string(timeout.count() / 1000) + " s");
    }
  };
  size_t sent = 0;
  while (sent < line.size()) {
    wait(POLLOUT);
    const ssize_t n = ::send(fd, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  char buf[4096];
  while (answer.find('\n') == std::string::npos) {
    wait(POLLIN);
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    answer.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  auto json = nlohmann::json::parse(answer, nullptr, false);
  if (json.is_discarded() || !json.is_object())
    throw ControlError("the daemon on " + socket.string() +
                       " closed the connection without an answer");
  return json;
}

}  // namespace herald::daemon
