#include "daemon/control_socket.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

namespace herald::daemon {
namespace {

std::filesystem::path tempDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("herald-control-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// A server on its own io_context thread, as the daemon runs it.
struct Running {
  explicit Running(const std::filesystem::path& path)
      : server(io, path, [](const nlohmann::json& request) -> nlohmann::json {
          return {{"ok", true}, {"echo", request}};
        }) {
    server.start();
    thread = std::thread([this] { io.run(); });
  }
  ~Running() {
    boost::asio::post(io, [this] { server.stop(); });
    work.reset();
    thread.join();
  }
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
  ControlServer server;
  std::thread thread;
};

TEST(ControlSocket, OneRequestLineOneAnswerLine) {
  const auto path = controlSocketPath(tempDir("roundtrip"));
  Running r(path);
  const auto answer = controlRequest(path, {{"command", "workflows.show"}, {"name", "welcome"}},
                                     std::chrono::seconds(5));
  EXPECT_TRUE(answer["ok"]);
  EXPECT_EQ(answer["echo"]["name"], "welcome");
}

TEST(ControlSocket, OnlyTheOwnerMayConnect) {
  const auto path = controlSocketPath(tempDir("mode"));
  Running r(path);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(ControlSocket, AStaleSocketFileIsReplacedButALiveDaemonIsNot) {
  const auto dir = tempDir("stale");
  const auto path = controlSocketPath(dir);
  {
    Running first(path);
    boost::asio::io_context io;
    ControlServer second(io, path, [](const nlohmann::json&) { return nlohmann::json(); });
    try {
      second.start();
      FAIL() << "a second server took over a live socket";
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()), "another herald daemon answers on its control socket " +
                                           path.string() +
                                           "; give each daemon its own runtime_dir");
    }
  }
  // A file left behind (the daemon was killed) does not stop the next one.
  std::ofstream(path.string()) << "";
  Running again(path);
  EXPECT_TRUE(controlRequest(path, {{"command", "status"}}, std::chrono::seconds(5))["ok"]);
}

TEST(ControlSocket, NoDaemonIsAClearErrorNamingTheSocket) {
  const auto path = controlSocketPath(tempDir("none"));
  try {
    controlRequest(path, {{"command", "reload"}}, std::chrono::seconds(1));
    FAIL() << "no error without a daemon";
  } catch (const ControlError& e) {
    EXPECT_EQ(std::string(e.what()),
              "no herald daemon answers on " + path.string() +
                  " (is 'herald serve' running with this config? its runtime_dir holds the "
                  "control socket)");
  }
}

TEST(ControlSocket, ARequestThatIsNotJsonGetsAnAnswerSayingSo) {
  const auto path = controlSocketPath(tempDir("garbage"));
  Running r(path);
  // controlRequest always sends JSON: talk to the socket by hand.
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string line = "reload please\n";
  ASSERT_EQ(::write(fd, line.data(), line.size()), static_cast<ssize_t>(line.size()));
  std::string answer;
  char buf[512];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;)
    answer.append(buf, static_cast<size_t>(n));
  ::close(fd);
  EXPECT_EQ(answer, R"({"error":"a request is one JSON object with a \"command\"","ok":false})"
                    "\n");
}

}  // namespace
}  // namespace herald::daemon
