#include "local_http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <chrono>

namespace herald::test {

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

std::size_t numberAfter(std::string_view target, std::string_view prefix) {
  std::size_t value = 0;
  target.remove_prefix(prefix.size());
  std::from_chars(target.data(), target.data() + target.size(), value);
  return value;
}

bool startsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

asio::awaitable<Response> respond(const Request& request) {
  Response response{http::status::ok, request.version()};
  response.keep_alive(request.keep_alive());
  const std::string_view target(request.target().data(), request.target().size());
  if (target == "/hello") {
    response.body() = "hello";
  } else if (target == "/echo") {
    response.body() = std::string(request.method_string()) + "\n" + request.body();
    if (auto test = request.find("X-Test"); test != request.end()) {
      response.set("X-Seen-Test", test->value());
    }
    response.insert("X-First", "1");
    response.insert("X-Second", "2");
    response.insert(http::field::set_cookie, "a=1");
    response.insert(http::field::set_cookie, "b=2");
  } else if (startsWith(target, "/status/")) {
    response.result(static_cast<unsigned>(numberAfter(target, "/status/")));
    response.body() = "status " + std::to_string(response.result_int());
  } else if (target == "/retry") {
    response.result(http::status::too_many_requests);
    response.set(http::field::retry_after, "7");
    response.body() = "slow down";
  } else if (startsWith(target, "/retry/")) {
    response.result(http::status::too_many_requests);
    response.set(http::field::retry_after, std::to_string(numberAfter(target, "/retry/")));
    response.body() = "slow down";
  } else if (target == "/redirect") {
    response.result(http::status::found);
    response.set(http::field::location, "/hello");
  } else if (startsWith(target, "/slow/")) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(std::chrono::milliseconds(numberAfter(target, "/slow/")));
    boost::system::error_code ignored;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    response.body() = "slow";
  } else if (startsWith(target, "/bytes/")) {
    response.body().assign(numberAfter(target, "/bytes/"), 'x');
  } else if (startsWith(target, "/chunked/")) {
    response.body().assign(numberAfter(target, "/chunked/"), 'x');
    response.chunked(true);
  } else {
    response.result(http::status::not_found);
  }
  if (!response.chunked()) response.prepare_payload();
  co_return response;
}

asio::awaitable<void> serve(tcp::socket socket, LocalHttpServer::Counters counters) {
  ++counters.connections;
  boost::beast::flat_buffer buffer;
  boost::system::error_code ec;
  for (;;) {
    Request request;
    co_await http::async_read(socket, buffer, request,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    const std::size_t now = ++counters.concurrent;
    for (std::size_t most = counters.most_concurrent;
         now > most && !counters.most_concurrent.compare_exchange_weak(most, now);) {
    }
    Response response = co_await respond(request);
    --counters.concurrent;
    ++counters.requests;
    co_await http::async_write(socket, response, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !response.keep_alive()) break;
  }
  socket.shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> accept(tcp::acceptor& acceptor, LocalHttpServer::Counters counters) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) continue;
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(acceptor.get_executor(), serve(std::move(socket), counters), asio::detached);
  }
}

}  // namespace

LocalHttpServer::LocalHttpServer(unsigned threads, unsigned short port)
    : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port)) {
  port_ = acceptor_.local_endpoint().port();
  Counters counters{connections_, requests_, concurrent_, most_concurrent_};
  asio::co_spawn(io_, accept(acceptor_, counters), asio::detached);
  for (unsigned i = 0; i < std::max(threads, 1u); ++i) threads_.emplace_back([this] { io_.run(); });
}

LocalHttpServer::~LocalHttpServer() {
  io_.stop();
  for (auto& thread : threads_) thread.join();
}

std::string LocalHttpServer::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

}  // namespace herald::test
