#pragma once
// A keep-alive HTTP/1.1 server on 127.0.0.1 (Boost.Beast), run on its own
// threads, for the HttpClient tests and the host HTTP benchmark. It counts
// what the client cannot fake: connections accepted, requests served and the
// most requests it was handling at once.
//
// Routes: /hello; /echo (body "METHOD\nBODY", X-Test echoed as X-Seen-Test,
// then X-First, X-Second and two Set-Cookie headers in that order);
// /status/N; /retry (429, Retry-After: 7); /retry/N (429, Retry-After: N); /redirect (302 to
// /hello); /slow/MS[/...] (answers after MS ms); /bytes/N (N bytes with a length); /chunked/N (N
// bytes, chunked, no length).
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace herald::test {

class LocalHttpServer {
 public:
  // port 0: a free port, chosen by the system.
  explicit LocalHttpServer(unsigned threads = 1, unsigned short port = 0);
  ~LocalHttpServer();
  LocalHttpServer(const LocalHttpServer&) = delete;
  LocalHttpServer& operator=(const LocalHttpServer&) = delete;

  unsigned short port() const { return port_; }
  std::string url(std::string_view path) const;

  std::uint64_t connectionsAccepted() const { return connections_; }
  std::uint64_t requestsServed() const { return requests_; }
  std::size_t mostConcurrent() const { return most_concurrent_; }

  struct Counters {
    std::atomic<std::uint64_t>& connections;
    std::atomic<std::uint64_t>& requests;
    std::atomic<std::size_t>& concurrent;
    std::atomic<std::size_t>& most_concurrent;
  };

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::atomic<std::uint64_t> connections_{0};
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::size_t> concurrent_{0};
  std::atomic<std::size_t> most_concurrent_{0};
  std::vector<std::thread> threads_;
};

}  // namespace herald::test
