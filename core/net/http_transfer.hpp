#pragma once
// One HTTP(S) request on a curl easy handle: the options it sets (method,
// headers, body, timeout, TLS, http/https only, no redirects), the response
// it collects (status, headers in order, body up to the size limit) and the
// HttpResult it turns into.
#include <curl/curl.h>

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "net/http_client.hpp"

namespace herald::net {

class HttpTransfer {
 public:
  HttpTransfer(std::string owner, HttpRequest request, HttpClient::Callback done);
  ~HttpTransfer();
  HttpTransfer(const HttpTransfer&) = delete;
  HttpTransfer& operator=(const HttpTransfer&) = delete;

  // Sets this request's options on a fresh (or reset) `easy`. Returns why
  // the request cannot be sent (a method or header curl would put on the
  // wire as given: spaces, CR/LF), or nothing. The transfer must outlive
  // the handle's use: curl points into it.
  std::optional<std::string> configure(CURL* easy, const HttpClientOptions& options);

  // The answer, or the classified transport error, once curl finished.
  HttpResult finish(CURL* easy, CURLcode code);

  const std::string& owner() const { return owner_; }
  HttpClient::Callback& callback() { return done_; }

 private:
  static std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* self);
  void collectHeader(std::string_view line);
  static std::size_t onBody(char* data, std::size_t size, std::size_t count, void* self);

  std::string owner_;
  HttpRequest request_;
  HttpClient::Callback done_;
  curl_slist* header_list_ = nullptr;
  std::size_t max_response_bytes_ = 0;
  bool too_large_ = false;
  HttpResult result_;
  std::array<char, CURL_ERROR_SIZE> error_buffer_{};
};

}  // namespace herald::net
