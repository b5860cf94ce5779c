#pragma once
// One HTTP/1.1 connection: reads a request within the limits (header size →
// 431, body size → 413, anything Beast cannot parse → 400, all then closed),
// closes a connection that does not deliver a whole request within
// read_timeout (slow clients, idle keep-alive), hands the request to the
// router and writes its answer, then reads the next one (keep-alive). One
// request at a time: a pipelined request waits in the buffer.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>
#include <optional>

#include "http/server_state.hpp"

namespace herald::http {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket socket, std::shared_ptr<ServerState> state);
  ~Session();
  void start();
  // The listener stops: close now when no request is being answered.
  void stopIfIdle();

 private:
  void read();
  void onRead(boost::beast::error_code ec);
  void refuse(bhttp::status status, const std::string& reason, const std::string& detail);
  void answer(Response res, const std::string& route);
  void onWrite(bool close, boost::beast::error_code ec);
  void close();
  void lingerClose();
  void drain();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<ServerState> state_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Request request_;
  std::optional<Response> response_;
  std::chrono::steady_clock::time_point started_;
  bool busy_ = false;  // a request is being answered
};

}  // namespace herald::http
