#include "twilio_answer.hpp"

#include <charconv>

namespace herald::twilio {
namespace {

constexpr int64_t kDefaultRetryMs = 10'000;  // a 5xx without Retry-After

// Error codes whose number will never take this sender's messages.
bool suppressesNumber(int code) { return code == 21211 || code == 21610; }

std::string providerError(const HttpResponse& r, int& code) {
  code = 0;
  const auto body = nlohmann::json::parse(r.body, nullptr, false);
  std::string text = r.body.substr(0, 200);
  if (body.is_object()) {
    if (body.contains("code") && body["code"].is_number_integer()) code = body["code"].get<int>();
    if (body.contains("message") && body["message"].is_string()) text = body["message"];
  }
  std::string out = "twilio answered " + std::to_string(r.status);
  if (code != 0) out += " (error " + std::to_string(code) + ")";
  return out + ": " + text;
}

}  // namespace

int64_t retryAfterMs(const std::string& header, int64_t fallback_ms) {
  int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), seconds);
  if (ec != std::errc() || end == header.data() || seconds < 0) return fallback_ms;
  return seconds * 1000;
}

TwilioAnswer readTwilioAnswer(const HttpResponse& r, const SmsEncoding& encoding) {
  if (r.transport_error) return {Fail{"twilio unreachable: " + r.error, r.retryable}};
  const std::string detail =
      "segments=" + std::to_string(encoding.segments) + " encoding=" + encodingName(encoding.kind);
  if (r.status >= 200 && r.status < 300) {
    const auto body = nlohmann::json::parse(r.body, nullptr, false);
    const std::string sid =
        body.is_object() && body.contains("sid") && body["sid"].is_string() ? body["sid"] : "";
    Continue sent;
    sent.vars = {{"twilio_sid", sid},
                 {"sms_segments", encoding.segments},
                 {"sms_encoding", encodingName(encoding.kind)}};
    sent.reason = (sid.empty() ? "(no sid)" : sid) + " " + detail;
    return {std::move(sent)};
  }
  int code = 0;
  const std::string error = providerError(r, code);
  if (r.status == 429 || r.status >= 500) {
    const int64_t fallback = r.status == 429 ? 1000 : kDefaultRetryMs;
    return {RetryAfter{retryAfterMs(r.header("retry-after"), fallback), error}};
  }
  if (r.status == 401 || r.status == 403)
    return {Fail{error + " (check plugins.twilio.account_sid and auth_token)", true}};
  TwilioAnswer out{Fail{error, false}};
  if (suppressesNumber(code)) out.suppress_reason = error;
  return out;
}

}  // namespace herald::twilio
