// The three forms of a log line: plain (terminal, file), journald's native
// protocol with fields, and "<N>" prefixes when the journal socket is gone.
#include "util/log.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <map>
#include <random>

#include "util/clock.hpp"
#include "util/journal_socket.hpp"

namespace herald {
namespace {

const int64_t kNoon = *parseIsoTime("2026-11-22T12:00:00Z");

TEST(LogFormat, PlainLineHasTimeLevelSourceMessageAndContext) {
  EXPECT_EQ(log::formatPlain(log::Level::kInfo, kNoon, "outbox/send_welcome", "wrote 120 messages",
                             {"welcome", "send_welcome", 12}),
            "2026-11-22T12:00:00Z info [outbox/send_welcome] wrote 120 messages "
            "workflow=welcome run=12");
  EXPECT_EQ(log::formatPlain(log::Level::kWarn, kNoon, "", "plain", {}),
            "2026-11-22T12:00:00Z warn plain");
}

TEST(LogFormat, PrefixedLineCarriesTheSyslogPriority) {
  EXPECT_EQ(log::formatPrefixed(log::Level::kError, "engine", "run 3 stopped", {"nps", {}, 3}),
            "<3>[engine] run 3 stopped workflow=nps run=3");
  EXPECT_EQ(log::formatPrefixed(log::Level::kDebug, "", "x", {}), "<7>x");
  EXPECT_EQ(log::formatPrefixed(log::Level::kWarn, "", "x", {}), "<4>x");
  EXPECT_EQ(log::formatPrefixed(log::Level::kInfo, "", "x", {}), "<6>x");
}

// Parses a native-protocol datagram back into its fields.
std::map<std::string, std::string> parseJournal(const std::string& d) {
  std::map<std::string, std::string> fields;
  size_t i = 0;
  while (i < d.size()) {
    const size_t nl = d.find('\n', i);
    const std::string head = d.substr(i, nl - i);
    const size_t eq = head.find('=');
    if (eq != std::string::npos) {
      fields[head.substr(0, eq)] = head.substr(eq + 1);
      i = nl + 1;
    } else {
      uint64_t n = 0;
      for (int b = 0; b < 8; ++b) n |= uint64_t(uint8_t(d[nl + 1 + b])) << (8 * b);
      fields[head] = d.substr(nl + 9, n);
      i = nl + 9 + n + 1;
    }
  }
  return fields;
}

TEST(LogFormat, JournalDatagramHasTheFields) {
  const auto f = parseJournal(log::formatJournal(log::Level::kWarn, "outbox/send", "batch failed",
                                                 {"welcome", "send", 42}));
  EXPECT_EQ(f.at("MESSAGE"), "[outbox/send] batch failed");
  EXPECT_EQ(f.at("PRIORITY"), "4");
  EXPECT_EQ(f.at("SYSLOG_IDENTIFIER"), "herald");
  EXPECT_EQ(f.at("HERALD_SOURCE"), "outbox/send");
  EXPECT_EQ(f.at("HERALD_WORKFLOW"), "welcome");
  EXPECT_EQ(f.at("HERALD_STEP"), "send");
  EXPECT_EQ(f.at("HERALD_RUN"), "42");
}

TEST(LogFormat, JournalLeavesOutEmptyContextAndKeepsNewlinesBinarySafe) {
  const std::string d = log::formatJournal(log::Level::kError, "", "line one\nline two", {});
  const auto f = parseJournal(d);
  EXPECT_EQ(f.at("MESSAGE"), "line one\nline two");
  EXPECT_EQ(f.count("HERALD_WORKFLOW"), 0u);
  EXPECT_EQ(f.count("HERALD_RUN"), 0u);
  EXPECT_EQ(f.count("HERALD_SOURCE"), 0u);
}

TEST(JournalSocket, DeliversOneDatagramPerMessage) {
  std::random_device rd;
  const auto path =
      std::filesystem::temp_directory_path() / ("herald-journal-" + std::to_string(rd()) + ".sock");
  const int server = ::socket(AF_UNIX, SOCK_DGRAM, 0);
  ASSERT_GE(server, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  ASSERT_EQ(::bind(server, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);

  log::JournalSocket journal(path.string());
  const std::string datagram =
      log::formatJournal(log::Level::kInfo, "engine", "hello", {"welcome", {}, 7});
  ASSERT_TRUE(journal.send(datagram));
  char buf[4096];
  const ssize_t n = ::recv(server, buf, sizeof(buf), 0);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buf, static_cast<size_t>(n)), datagram);
  ::close(server);
  std::filesystem::remove(path);

  // Nobody listening any more: the caller is told, to write it another way.
  EXPECT_FALSE(journal.send(datagram));
}

TEST(LogDetect, StderrIsTheJournalOnlyWhenJournalStreamNamesIt) {
  ::unsetenv("JOURNAL_STREAM");
  EXPECT_FALSE(log::stderrIsJournal());
  struct stat st {};
  ASSERT_EQ(::fstat(STDERR_FILENO, &st), 0);
  const std::string mine = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  ::setenv("JOURNAL_STREAM", mine.c_str(), 1);
  EXPECT_TRUE(log::stderrIsJournal());
  // A child whose stderr was redirected elsewhere inherits the variable
  // but must not take its stderr for the journal.
  const std::string other = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino + 1);
  ::setenv("JOURNAL_STREAM", other.c_str(), 1);
  EXPECT_FALSE(log::stderrIsJournal());
  ::setenv("JOURNAL_STREAM", "garbage", 1);
  EXPECT_FALSE(log::stderrIsJournal());
  ::unsetenv("JOURNAL_STREAM");
}

}  // namespace
}  // namespace herald
