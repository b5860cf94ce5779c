#pragma once
// Starts tests/unit/net/smtp_test_server.py (aiosmtpd) on a free loopback
// port for one test and reads what it received. The server ends when its
// stdin closes; the destructor closes it, waits a bounded time, then kills.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

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

class TestSmtpServer {
 public:
  explicit TestSmtpServer(std::vector<std::string> options) {
    char pattern[] = "/tmp/herald-smtp-XXXXXX";
    if (mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    std::vector<std::string> args = {"/usr/bin/python3", HERALD_SMTP_TEST_SERVER, "--dir", dir_};
    args.insert(args.end(), options.begin(), options.end());
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);

    int to_child[2];
    int from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, to_child[0], 0);
    posix_spawn_file_actions_adddup2(&actions, from_child[1], 1);
    // Its log (aiosmtpd reports refused handshakes with tracebacks) stays out of the test output.
    const std::string log = dir_ + "/server.log";
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addclose(&actions, to_child[1]);
    posix_spawn_file_actions_addclose(&actions, from_child[0]);
    const int spawned = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(to_child[0]);
    close(from_child[1]);
    if (spawned != 0) throw std::runtime_error("cannot start " + args[1]);
    stdin_ = to_child[1];
    fcntl(stdin_, F_SETFD, FD_CLOEXEC);

    // "READY <port>\n"; the certificate and the server take a moment.
    FILE* out = fdopen(from_child[0], "r");
    char line[128] = {};
    const bool ready = fgets(line, sizeof line, out) != nullptr;
    fclose(out);
    if (!ready || std::sscanf(line, "READY %hu", &port_) != 1) {
      throw std::runtime_error("the test SMTP server did not start: " + std::string(line));
    }
  }

  ~TestSmtpServer() {
    close(stdin_);
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  TestSmtpServer(const TestSmtpServer&) = delete;
  TestSmtpServer& operator=(const TestSmtpServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string certificate() const { return dir_ + "/cert.pem"; }

  // Messages in the order they were accepted.
  std::vector<ReceivedMessage> received() const {
    std::vector<ReceivedMessage> messages;
    for (int n = 1;; ++n) {
      char name[16];
      std::snprintf(name, sizeof name, "%06d", n);
      const std::string base = dir_ + "/spool/" + name;
      if (!std::filesystem::exists(base + ".json")) break;
      ReceivedMessage message;
      message.envelope = nlohmann::json::parse(readFile(base + ".json"));
      message.data = readFile(base + ".eml");
      messages.push_back(std::move(message));
    }
    return messages;
  }

 private:
  static std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::string dir_;
  pid_t pid_ = -1;
  int stdin_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace herald::net::testing
