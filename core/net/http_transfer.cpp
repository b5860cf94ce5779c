#include "net/http_transfer.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <utility>

#include "net/transport_error.hpp"

namespace herald::net {

namespace {

bool isTokenChar(char c) {
  // RFC 9110 tchar
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool isToken(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), isTokenChar);
}

bool hasLineBreak(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos || text.find('\0') != text.npos;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);
         });
}

bool hasHeader(const Headers& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& header) { return equalsIgnoringCase(header.first, name); });
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

// The scheme of `url` if it names one ("ftp" in "ftp://host/"), else "".
std::string_view schemeOf(std::string_view url) {
  const auto end = url.find("://");
  if (end == std::string_view::npos || end == 0) return {};
  const std::string_view scheme = url.substr(0, end);
  const bool plain = std::all_of(scheme.begin(), scheme.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '-' || c == '.';
  });
  return plain ? scheme : std::string_view{};
}

}  // namespace

HttpTransfer::HttpTransfer(std::string owner, HttpRequest request, HttpClient::Callback done)
    : owner_(std::move(owner)), request_(std::move(request)), done_(std::move(done)) {}

HttpTransfer::~HttpTransfer() { curl_slist_free_all(header_list_); }

std::optional<std::string> HttpTransfer::configure(CURL* easy, const HttpClientOptions& options) {
  // Checked here too (curl refuses other schemes as well) for a message that
  // says what to write; a URL without a scheme is not guessed to be http.
  const std::string_view scheme = schemeOf(request_.url);
  if (!equalsIgnoringCase(scheme, "http") && !equalsIgnoringCase(scheme, "https")) {
    return scheme.empty()
               ? std::string("URL must start with http:// or https://")
               : "unsupported URL scheme '" + std::string(scheme) + "' (only http:// and https://)";
  }
  if (!isToken(request_.method)) {
    return "invalid HTTP method '" + request_.method + "' (a token such as GET or POST)";
  }
  if (request_.timeout.count() <= 0) {
    return "timeout must be more than 0 ms (curl would wait forever)";
  }
  for (const auto& [name, value] : request_.headers) {
    if (!isToken(name)) return "invalid header name '" + name + "'";
    if (hasLineBreak(value)) return "header '" + name + "' has a line break in its value";
  }
  max_response_bytes_ = options.max_response_bytes;

  curl_easy_setopt(easy, CURLOPT_PRIVATE, this);
  curl_easy_setopt(easy, CURLOPT_URL, request_.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);  // a plugin sees the 3xx itself
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request_.timeout.count()));
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer_.data());
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L);
  if (!options.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, options.ca_file.c_str());
  // Refuses a body the server announces as too large before reading it;
  // onBody catches one sent without a length.
  curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(options.max_response_bytes));
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &HttpTransfer::onHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &HttpTransfer::onBody);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, this);

  const std::string& method = request_.method;
  if (method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (method == "GET" && request_.body.empty()) {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request_.body.size()));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request_.body.data());
    if (method != "POST") curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method.c_str());
  }

  for (const auto& [name, value] : request_.headers) {
    // "Name;" is curl's way to send a header with an empty value.
    const std::string line = value.empty() ? name + ";" : name + ": " + value;
    header_list_ = curl_slist_append(header_list_, line.c_str());
  }
  // curl would wait up to a second for "100 Continue" before a larger body,
  // and label every body as a form: send what the plugin wrote, nothing more.
  if (!hasHeader(request_.headers, "Expect")) {
    header_list_ = curl_slist_append(header_list_, "Expect:");
  }
  if (!hasHeader(request_.headers, "Content-Type")) {
    header_list_ = curl_slist_append(header_list_, "Content-Type:");
  }
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, header_list_);
  return std::nullopt;
}

std::size_t HttpTransfer::onHeader(char* data, std::size_t size, std::size_t count, void* self) {
  auto* me = static_cast<HttpTransfer*>(self);
  const std::string_view line(data, size * count);
  try {
    me->collectHeader(line);
  } catch (...) {
    return 0;  // nothing may throw into curl: it ends the transfer (CURLE_WRITE_ERROR)
  }
  return line.size();
}

void HttpTransfer::collectHeader(std::string_view line) {
  Headers& headers = result_.headers;
  if (line.rfind("HTTP/", 0) == 0) {
    headers.clear();  // a new response (after "100 Continue"): only the last one counts
  } else if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
    if (!headers.empty()) {  // an obsolete folded continuation line
      headers.back().second += ' ';
      headers.back().second += trim(line);
    }
  } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    headers.emplace_back(std::string(trim(line.substr(0, colon))),
                         std::string(trim(line.substr(colon + 1))));
  }
}

std::size_t HttpTransfer::onBody(char* data, std::size_t size, std::size_t count, void* self) {
  auto* me = static_cast<HttpTransfer*>(self);
  const std::size_t bytes = size * count;
  if (me->result_.body.size() + bytes > me->max_response_bytes_) {
    me->too_large_ = true;
    return 0;  // curl stops with CURLE_WRITE_ERROR
  }
  try {
    me->result_.body.append(data, bytes);
  } catch (...) {
    return 0;
  }
  return bytes;
}

HttpResult HttpTransfer::finish(CURL* easy, CURLcode code) {
  if (too_large_ || code == CURLE_FILESIZE_EXCEEDED) {
    return transportError(
        "response larger than the limit of " + std::to_string(max_response_bytes_) + " bytes",
        false);
  }
  if (code != CURLE_OK) {
    std::string message = curl_easy_strerror(code);
    if (error_buffer_[0] != '\0') message += std::string(": ") + error_buffer_.data();
    return transportError(std::move(message), isRetryable(code));
  }
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &result_.status);
  return std::move(result_);
}

}  // namespace herald::net
