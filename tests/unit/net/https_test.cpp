// HttpClient over TLS: a server with a self-signed certificate (made with
// the openssl tool at test time) is refused by default, accepted when its
// certificate is the ca_file.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <thread>

#include "net/http_client.hpp"

namespace herald::net {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// Answers every request on every connection with 200 "secure".
class TlsServer {
 public:
  TlsServer(const fs::path& cert, const fs::path& key)
      : tls_(asio::ssl::context::tls_server),
        acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    tls_.use_certificate_chain_file(cert.string());
    tls_.use_private_key_file(key.string(), asio::ssl::context::pem);
    asio::co_spawn(io_, accept(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~TlsServer() {
    io_.stop();
    thread_.join();
  }
  std::string url() const {
    return "https://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/";
  }

 private:
  asio::awaitable<void> accept() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket =
          co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
    }
  }
  asio::awaitable<void> serve(tcp::socket socket) {
    boost::system::error_code ec;
    asio::ssl::stream<tcp::socket> stream(std::move(socket), tls_);
    co_await stream.async_handshake(asio::ssl::stream_base::server,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;  // the client refused our certificate
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> request;
    co_await http::async_read(stream, buffer, request,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    http::response<http::string_body> response{http::status::ok, request.version()};
    response.keep_alive(false);
    response.body() = "secure";
    response.prepare_payload();
    co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
    co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
  }

  asio::io_context io_;
  asio::ssl::context tls_;
  tcp::acceptor acceptor_;
  std::thread thread_;
};

struct HttpsTest : ::testing::Test {
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("herald-https-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
           "-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    fs::create_directories(dir);
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1"
        " -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost"
        " -keyout " +
        (dir / "key.pem").string() + " -out " + (dir / "cert.pem").string() + " 2>/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    server.emplace(dir / "cert.pem", dir / "key.pem");
  }
  void TearDown() override {
    server.reset();
    fs::remove_all(dir);
  }

  HttpResult fetch(HttpClientOptions options) {
    HttpClient client(io, std::move(options));
    std::optional<HttpResult> answer;
    HttpRequest request;
    request.url = server->url();
    client.start("plugin", std::move(request),
                 [&](HttpResult&& result) { answer = std::move(result); });
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!answer && std::chrono::steady_clock::now() < deadline) io.run_one_for(20ms);
    EXPECT_TRUE(answer.has_value());
    return answer ? std::move(*answer) : HttpResult{};
  }

  fs::path dir;
  asio::io_context io;
  std::optional<TlsServer> server;
};

TEST_F(HttpsTest, SelfSignedCertificateIsRefusedByDefault) {
  const HttpResult result = fetch({});
  EXPECT_TRUE(result.transport_error);
  EXPECT_FALSE(result.retryable);
  EXPECT_NE(result.error.find("certificate"), std::string::npos) << result.error;
}

TEST_F(HttpsTest, CertificateInCaFileIsAccepted) {
  HttpClientOptions options;
  options.ca_file = (dir / "cert.pem").string();
  const HttpResult result = fetch(options);
  ASSERT_FALSE(result.transport_error) << result.error;
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, "secure");
}

TEST_F(HttpsTest, VerificationCanBeTurnedOff) {
  HttpClientOptions options;
  options.verify_tls = false;
  const HttpResult result = fetch(options);
  ASSERT_FALSE(result.transport_error) << result.error;
  EXPECT_EQ(result.body, "secure");
}

}  // namespace
}  // namespace herald::net
