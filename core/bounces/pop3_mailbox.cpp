#include "bounces/pop3_mailbox.hpp"

#include <curl/curl.h>

#include <sstream>
#include <stdexcept>

namespace herald::bounces {
namespace {

size_t append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

bool isLoopbackUrl(const std::string& url) {
  const size_t host = url.find("://");
  if (host == std::string::npos) return false;
  const std::string rest = url.substr(host + 3);
  return rest.starts_with("127.") || rest.starts_with("localhost") || rest.starts_with("[::1]");
}

}  // namespace

Pop3Mailbox::Pop3Mailbox(MailboxAccess access) : access_(std::move(access)) {
  if (!access_.url.starts_with("pop3://") && !access_.url.starts_with("pop3s://"))
    throw std::runtime_error("the bounce mailbox must be a pop3:// or pop3s:// URL, not '" +
                             access_.url + "'");
  base_ = access_.url;
  if (!base_.ends_with('/')) base_ += '/';
  easy_ = curl_easy_init();
  if (!easy_) throw std::runtime_error("libcurl could not start a session");
}

Pop3Mailbox::~Pop3Mailbox() {
  if (easy_) curl_easy_cleanup(static_cast<CURL*>(easy_));  // QUIT: deletions take effect
}

std::string Pop3Mailbox::perform(const std::string& url, const char* command, bool want_body) {
  CURL* easy = static_cast<CURL*>(easy_);
  std::string body;
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_USERNAME, access_.username.c_str());
  curl_easy_setopt(easy, CURLOPT_PASSWORD, access_.password.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "pop3,pop3s");
  curl_easy_setopt(easy, CURLOPT_USE_SSL,
                   isLoopbackUrl(access_.url) ? CURLUSESSL_NONE : CURLUSESSL_ALL);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, access_.verify_tls ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, access_.verify_tls ? 2L : 0L);
  if (!access_.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, access_.ca_file.c_str());
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, 30L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT, 300L);
  curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, command);
  curl_easy_setopt(easy, CURLOPT_NOBODY, want_body ? 0L : 1L);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &append);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &body);
  const CURLcode code = curl_easy_perform(easy);
  if (code != CURLE_OK) {
    // The URL holds no password (it is given apart), so it may be quoted.
    throw std::runtime_error("bounce mailbox " + access_.url + ": " + curl_easy_strerror(code));
  }
  return body;
}

std::vector<int> Pop3Mailbox::list() {
  std::istringstream lines(perform(base_, nullptr, true));
  std::vector<int> numbers;
  std::string line;
  while (std::getline(lines, line)) {
    int number = 0;
    if (std::istringstream(line) >> number && number > 0) numbers.push_back(number);
  }
  return numbers;
}

std::string Pop3Mailbox::retrieve(int number) {
  return perform(base_ + std::to_string(number), nullptr, true);
}

void Pop3Mailbox::remove(int number) { perform(base_ + std::to_string(number), "DELE", false); }

}  // namespace herald::bounces
