#pragma once
// Real SMTP servers for one test, on free loopback ports: aiosmtpd
// (smtp_test_server.py, which records what it received) and Postfix's
// smtp-sink.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace herald::net::testing {

struct ReceivedMessage {
  nlohmann::json envelope;  // mail_from, rcpt_tos, mail_options
  std::string data;         // as the server stored it (dots un-stuffed, CRLF)
};

// A child process for one test: its stdin is a pipe (closed when the test
// ends, so a server waiting on it ends even if the test crashes), stdout
// optionally a pipe, stderr a log file. The destructor ends it (SIGTERM,
// a bounded wait, then SIGKILL).
class ChildProcess {
 public:
  ChildProcess(std::vector<std::string> args, const std::string& log, bool read_stdout) {
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    int to_child[2];
    int from_child[2] = {-1, -1};
    if (pipe(to_child) != 0 || (read_stdout && pipe(from_child) != 0)) {
      throw std::runtime_error("pipe failed");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, to_child[0], 0);
    posix_spawn_file_actions_addclose(&actions, to_child[1]);
    if (read_stdout) {
      posix_spawn_file_actions_adddup2(&actions, from_child[1], 1);
      posix_spawn_file_actions_addclose(&actions, from_child[0]);
    }
    // Its log (aiosmtpd reports refused handshakes with tracebacks) stays
    // out of the test output.
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int spawned = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(to_child[0]);
    if (read_stdout) close(from_child[1]);
    stdin_ = to_child[1];
    fcntl(stdin_, F_SETFD, FD_CLOEXEC);
    if (spawned != 0) throw std::runtime_error("cannot start " + args[0]);
    if (read_stdout) stdout_ = fdopen(from_child[0], "r");
  }

  ~ChildProcess() {
    if (stdout_ != nullptr) fclose(stdout_);
    close(stdin_);
    kill(pid_, SIGTERM);
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // One line of its stdout ("" at its end).
  std::string readLine() {
    char line[256] = {};
    if (stdout_ == nullptr || fgets(line, sizeof line, stdout_) == nullptr) return {};
    return line;
  }

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;
  FILE* stdout_ = nullptr;
};

// A temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/herald-smtp-XXXXXX";
    if (mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// tests/unit/net/smtp_test_server.py (aiosmtpd): see its docstring.
class TestSmtpServer {
 public:
  explicit TestSmtpServer(const std::vector<std::string>& options)
      : dir_(), process_(arguments(dir_.path(), options), dir_.path() + "/server.log", true) {
    // "READY <port>\n"; the certificate and the server take a moment.
    const std::string line = process_.readLine();
    if (std::sscanf(line.c_str(), "READY %hu", &port_) != 1) {
      throw std::runtime_error("the test SMTP server did not start: " + line);
    }
  }

  std::uint16_t port() const { return port_; }
  std::string certificate() const { return dir_.path() + "/cert.pem"; }

  // How many sessions ended with QUIT.
  std::size_t quits() const {
    const std::string text = readFile(dir_.path() + "/spool/quits");
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  }

  // Messages in the order they were accepted.
  std::vector<ReceivedMessage> received() const {
    std::vector<ReceivedMessage> messages;
    for (int n = 1;; ++n) {
      char name[16];
      std::snprintf(name, sizeof name, "%06d", n);
      const std::string base = dir_.path() + "/spool/" + name;
      if (!std::filesystem::exists(base + ".json")) break;
      ReceivedMessage message;
      message.envelope = nlohmann::json::parse(readFile(base + ".json"));
      message.data = readFile(base + ".eml");
      messages.push_back(std::move(message));
    }
    return messages;
  }

 private:
  static std::vector<std::string> arguments(const std::string& dir,
                                            const std::vector<std::string>& options) {
    std::vector<std::string> args = {"/usr/bin/python3", HERALD_SMTP_TEST_SERVER, "--dir", dir};
    args.insert(args.end(), options.begin(), options.end());
    return args;
  }

  static std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  TempDir dir_;
  ChildProcess process_;
  std::uint16_t port_ = 0;
};

// Postfix's smtp-sink on a free loopback port: fast, discards what it gets,
// and answers chosen commands with 4xx, 5xx, 421 or a dropped connection.
class TestSmtpSink {
 public:
  explicit TestSmtpSink(const std::vector<std::string>& options)
      : port_(freePort()), process_(arguments(port_, options), dir_.path() + "/sink.log", false) {
    // Ready when it accepts a connection.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!accepts(port_)) {
      if (std::chrono::steady_clock::now() > deadline)
        throw std::runtime_error("smtp-sink did not start");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  std::uint16_t port() const { return port_; }

 private:
  static std::uint16_t freePort() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return probe.local_endpoint().port();
  }
  static bool accepts(std::uint16_t port) {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    boost::system::error_code ec;
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
    return !ec;
  }
  static std::vector<std::string> arguments(std::uint16_t port,
                                            const std::vector<std::string>& options) {
    // As root it must drop privileges (-u); it needs none.
    std::vector<std::string> args = {"/usr/sbin/smtp-sink"};
    if (geteuid() == 0) args.insert(args.end(), {"-u", "nobody"});
    args.insert(args.end(), options.begin(), options.end());
    args.insert(args.end(), {"127.0.0.1:" + std::to_string(port), "64"});
    return args;
  }

  TempDir dir_;
  std::uint16_t port_;
  ChildProcess process_;
};

}  // namespace herald::net::testing
