#include "http/session.hpp"

#include "http/problem.hpp"
#include "store/store.hpp"
#include "util/log.hpp"

namespace herald::http {

namespace beast = boost::beast;

Session::Session(boost::asio::ip::tcp::socket socket, std::shared_ptr<ServerState> state)
    : stream_(std::move(socket)), state_(std::move(state)) {
  ++state_->live;
}

Session::~Session() { --state_->live; }

void Session::start() { read(); }

void Session::stopIfIdle() {
  if (!busy_) close();
}

void Session::read() {
  if (state_->stopping) return close();
  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(state_->limits.max_header_bytes));
  parser_->body_limit(state_->limits.max_body_bytes);
  stream_.expires_after(state_->limits.read_timeout);
  bhttp::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->onRead(ec); });
}

void Session::onRead(beast::error_code ec) {
  if (ec == bhttp::error::end_of_stream || ec == boost::asio::error::connection_reset ||
      ec == boost::asio::error::operation_aborted) {
    return close();
  }
  if (ec == beast::error::timeout) {
    // A partial request (slowloris) or an idle kept-alive connection; only
    // the first is a refusal.
    if (parser_->got_some()) state_->metrics.refusal("timeout");
    return close();
  }
  // Some bad input, on the other hand, is worth an answer before closing.
  request_ = {};
  if (parser_->is_header_done()) request_.base() = parser_->get().base();
  if (ec == bhttp::error::body_limit) {
    return refuse(bhttp::status::payload_too_large, "body_too_large",
                  "the body is larger than " + std::to_string(state_->limits.max_body_bytes) +
                      " bytes (http.limits.max_body_bytes); send fewer events per request");
  }
  if (ec == bhttp::error::header_limit) {
    return refuse(bhttp::status::request_header_fields_too_large, "header_too_large",
                  "the request line and headers are larger than " +
                      std::to_string(state_->limits.max_header_bytes) +
                      " bytes (http.limits.max_header_bytes)");
  }
  if (ec) {
    if (&ec.category() != &beast::error_code(bhttp::error::bad_method).category() ||
        ec == bhttp::error::partial_message) {
      return close();  // a socket error or a client gone mid-request: nobody to answer
    }
    return refuse(bhttp::status::bad_request, "bad_request",
                  "the request is not valid HTTP/1.1 (" + ec.message() + ")");
  }
  request_ = parser_->release();
  busy_ = true;
  started_ = std::chrono::steady_clock::now();
  // The route label is known once dispatch returns, but the answer may come
  // earlier (synchronous handlers): keep it until both are there.
  auto route = std::make_shared<std::optional<std::string>>();
  auto pending = std::make_shared<std::optional<Response>>();
  auto self = shared_from_this();
  Respond respond = [self, route, pending](Response res) {
    if (*route) {
      self->answer(std::move(res), **route);
    } else {
      *pending = std::move(res);
    }
  };
  std::string label;
  try {
    boost::system::error_code peer_ec;
    const auto peer = stream_.socket().remote_endpoint(peer_ec);
    label = state_->router.dispatch(request_, respond,
                                    peer_ec ? std::string() : peer.address().to_string());
  } catch (const store::StoreError& e) {
    log::error("http", std::string("store error answering a request: ") + e.what());
    label = "error";
    if (!*pending) {
      *pending = problemResponse(request_, bhttp::status::service_unavailable,
                                 "the store cannot be used right now; try again later");
    }
  } catch (const std::exception& e) {
    log::error("http", std::string("internal error answering a request: ") + e.what());
    label = "error";
    if (!*pending) {
      *pending = problemResponse(request_, bhttp::status::internal_server_error,
                                 "internal error; the daemon's log says more");
    }
  }
  *route = label;
  if (*pending) answer(std::move(**pending), label);
}

void Session::refuse(bhttp::status status, const std::string& reason, const std::string& detail) {
  state_->metrics.refusal(reason);
  busy_ = true;
  started_ = std::chrono::steady_clock::now();
  auto res = problemResponse(request_, status, detail);
  res.keep_alive(false);
  answer(std::move(res), "unmatched");
}

void Session::answer(Response res, const std::string& route) {
  const int code = static_cast<int>(res.result_int());
  if (code == 401) state_->metrics.refusal("unauthorized");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  state_->metrics.request(route, code, seconds);
  if (state_->stopping) res.keep_alive(false);
  response_ = std::move(res);
  const bool close = !response_->keep_alive();
  stream_.expires_after(state_->limits.read_timeout);
  bhttp::async_write(stream_, *response_,
                     [self = shared_from_this(), close](beast::error_code ec, size_t) {
                       self->onWrite(close, ec);
                     });
}

void Session::onWrite(bool close_after, beast::error_code ec) {
  busy_ = false;
  response_.reset();
  if (ec) return close();
  if (close_after) return lingerClose();
  read();
}

// A client refused for a large body is often still sending it; closing at
// once would reset the connection and lose the answer it has not read yet.
// So stop sending, read and drop what comes for a short while, then close.
void Session::lingerClose() {
  beast::error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  stream_.expires_after(std::chrono::seconds(2));  // in all, however much comes
  drain();
}

void Session::drain() {
  buffer_.clear();
  stream_.async_read_some(buffer_.prepare(64 * 1024),
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            if (ec) return self->close();
                            self->drain();
                          });
}

void Session::close() {
  beast::error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

}  // namespace herald::http
