// Sends N messages of S bytes through net::SmtpClient to HOST:PORT over at
// most K pooled sessions and prints "messages seconds rate sessions".
// bench/smtp.sh runs it beside Postfix's smtp-source against smtp-sink.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "net/smtp_client.hpp"

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s HOST PORT MESSAGES SIZE SESSIONS\n", argv[0]);
    return 2;
  }
  herald::net::SmtpServer server;
  server.host = argv[1];
  server.port = static_cast<std::uint16_t>(std::atoi(argv[2]));
  server.tls = herald::net::SmtpTls::kNone;
  const long messages = std::atol(argv[3]);
  const std::size_t size = static_cast<std::size_t>(std::atol(argv[4]));
  herald::net::SmtpClientOptions options;
  options.max_sessions_per_server = static_cast<std::size_t>(std::atol(argv[5]));
  options.max_messages_per_session = static_cast<std::size_t>(messages) + 1;

  boost::asio::io_context loop;
  herald::net::SmtpClient client(loop, options);
  const std::string body = "Subject: bench\r\n\r\n" + std::string(size, 'x') + "\r\n";
  long done = 0;
  long failed = 0;
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < messages; ++i) {
    client.send(server, {"sender@herald.test", {"r" + std::to_string(i) + "@example.test"}, body},
                [&](herald::net::SmtpResult&& result) {
                  ++done;
                  if (result.transport_error || !result.data || result.data->code != 250) ++failed;
                  if (done == messages) loop.stop();
                });
  }
  loop.run();
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::printf("%ld %.3f %.0f %llu\n", done, took.count(), static_cast<double>(done) / took.count(),
              static_cast<unsigned long long>(client.sessionsOpened()));
  if (failed > 0) {
    std::fprintf(stderr, "%ld messages failed\n", failed);
    return 1;
  }
  return 0;
}
