#include "outcome.hpp"

namespace herald::smtp {
namespace {

bool permanent(const SmtpReply& r) { return r.code >= 500 && r.code < 600; }
bool temporary(const SmtpReply& r) { return r.code >= 400 && r.code < 500; }
bool accepted(const SmtpReply& r) { return r.code >= 200 && r.code < 300; }

// RFC 3463 class 5.7 (security or policy: relay denied, sender blocked,
// authentication required) speaks of the sender, not of the recipient: one
// misconfigured relay would otherwise suppress every address it refused.
bool speaksOfTheAddress(const SmtpReply& r) { return !r.enhanced.starts_with("5.7."); }

Outcome retry(int64_t retry_ms, const std::string& why) {
  return RetryAfter{retry_ms, why, nlohmann::json::object()};
}

}  // namespace

std::string describeReply(const SmtpReply& reply) {
  std::string out = std::to_string(reply.code);
  if (!reply.enhanced.empty()) out += " " + reply.enhanced;
  if (!reply.text.empty()) out += " " + reply.text;
  return out;
}

std::string withoutAddress(std::string text, std::string_view address) {
  if (address.empty()) return text;
  const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
  for (size_t i = 0; i + address.size() <= text.size();) {
    bool match = true;
    for (size_t k = 0; k < address.size() && match; ++k)
      match = lower(text[i + k]) == lower(address[k]);
    if (!match) {
      ++i;
      continue;
    }
    text.replace(i, address.size(), "[recipient]");
    i += 11;
  }
  return text;
}

std::string queueIdOf(const SmtpReply& data_reply) {
  const std::string& text = data_reply.text;
  const auto word_after = [&](const std::string& marker) -> std::string {
    const size_t at = text.find(marker);
    if (at == std::string::npos) return "";
    const size_t start = at + marker.size();
    size_t end = start;
    while (end < text.size() && text[end] != ' ' && text[end] != '\n' && text[end] != '\r') ++end;
    return text.substr(start, end - start);
  };
  if (std::string id = word_after("queued as "); !id.empty()) return id;
  if (std::string id = word_after("id="); !id.empty()) return id;
  return text.substr(0, 200);
}

Delivery classify(const SmtpResult& r, const std::string& message_id, int64_t retry_ms) {
  if (r.transport_error) {
    if (r.retryable) return {retry(retry_ms, "smtp: " + r.error), std::nullopt};
    return {Fail{"smtp: " + r.error, false}, std::nullopt};
  }
  if (r.mail_from && !accepted(*r.mail_from)) {
    const std::string reply = "smtp: MAIL FROM refused: " + describeReply(*r.mail_from);
    if (temporary(*r.mail_from)) return {retry(retry_ms, reply), std::nullopt};
    return {Fail{reply, false}, std::nullopt};
  }
  if (!r.recipients.empty() && !accepted(r.recipients[0])) {
    const SmtpReply& rcpt = r.recipients[0];
    const std::string reply = describeReply(rcpt);
    if (temporary(rcpt)) return {retry(retry_ms, "smtp: RCPT deferred: " + reply), std::nullopt};
    if (permanent(rcpt) && speaksOfTheAddress(rcpt))
      return {Fail{"smtp: hard bounce: " + reply, false}, "smtp hard bounce: " + reply};
    return {Fail{"smtp: RCPT refused: " + reply, false}, std::nullopt};
  }
  if (!r.data) return {retry(retry_ms, "smtp: no reply to DATA"), std::nullopt};
  if (temporary(*r.data))
    return {retry(retry_ms, "smtp: message deferred: " + describeReply(*r.data)), std::nullopt};
  if (!accepted(*r.data))
    return {Fail{"smtp: message refused: " + describeReply(*r.data), false}, std::nullopt};
  return {Continue{{{"smtp_queue_id", queueIdOf(*r.data)}, {"message_id", message_id}}},
          std::nullopt};
}

}  // namespace herald::smtp
