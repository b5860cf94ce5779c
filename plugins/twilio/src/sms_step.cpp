#include "sms_step.hpp"

#include <atomic>
#include <memory>

#include "form.hpp"
#include "paced_send.hpp"
#include "phone.hpp"
#include "twilio_answer.hpp"
#include "twilio_plugin.hpp"

namespace herald::twilio {
namespace {

size_t codePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// Checks one contact before anything is sent; "" when it may go.
std::string refusal(std::string_view phone, const std::string& body) {
  if (phone.empty()) return "contact has no phone number";
  if (!isE164(phone))
    return "contact's phone number '" + std::string(phone) +
           "' is not in E.164 form (+, country code, number: like +14155550100)";
  if (body.empty()) return "the body is empty for this contact once rendered";
  if (const size_t length = codePoints(body); length > SmsStep::kMaxBody)
    return "the body is " + std::to_string(length) +
           " characters for this contact once rendered; Twilio takes at most " +
           std::to_string(SmsStep::kMaxBody);
  return {};
}

}  // namespace

std::string templateStaticText(std::string_view source) {
  std::string out;
  size_t i = 0;
  while (i < source.size()) {
    const size_t open = source.find('{', i);
    if (open == std::string_view::npos || open + 1 >= source.size()) {
      out.append(source.substr(i));
      break;
    }
    const char kind = source[open + 1];
    if (kind != '{' && kind != '%') {
      out.append(source.substr(i, open + 1 - i));
      i = open + 1;
      continue;
    }
    out.append(source.substr(i, open - i));
    const size_t close = source.find(kind == '{' ? "}}" : "%}", open + 2);
    if (close == std::string_view::npos) break;
    i = close + 2;
  }
  return out;
}

std::string describeEncoding(const SmsEncoding& e, size_t max_segments) {
  std::string out = "segments=" + std::to_string(e.segments) + " encoding=" + encodingName(e.kind);
  if (e.segments > max_segments) out += " (over max_segments " + std::to_string(max_segments) + ")";
  if (e.kind == SmsEncodingKind::kUcs2 && !e.ucs2_because.empty())
    out += "; UCS-2 because of '" + e.ucs2_because + "'";
  return out;
}

SmsStep::SmsStep(StepContext& ctx, const nlohmann::json& config)
    : Step(ctx),
      from_(config.value("from", "")),
      max_segments_(config.value("max_segments", size_t{3})) {
  const auto& settings = ctx.settings();
  const bool service = settings.contains("messaging_service_sid") &&
                       settings["messaging_service_sid"].is_string() &&
                       !settings["messaging_service_sid"].get<std::string>().empty();
  for (const char* key : {"account_sid", "auth_token"}) {
    const auto it = settings.find(key);
    if (it == settings.end() || !it->is_string() || it->get<std::string>().empty())
      ctx.diagnostic("", std::string("twilio.sms needs plugins: twilio: ") + key +
                             ": in herald.yaml (the Twilio account to send from)");
  }
  if (from_.empty() && !service)
    ctx.diagnostic("",
                   "write from: (a Twilio number like +14155550100, or a sender id) or set "
                   "plugins: twilio: messaging_service_sid: in herald.yaml");
  // The body as written: what every contact gets at least. Its cost shows
  // here, before any contact is picked (dry runs check each rendered body).
  const std::string source = config.value("body", "");
  const std::string fixed = templateStaticText(source);
  const SmsEncoding e = smsEncoding(fixed);
  if (e.segments > max_segments_) {
    const std::string encoding =
        e.kind == SmsEncodingKind::kGsm7 ? "GSM-7" : "UCS-2 (because of '" + e.ucs2_because + "')";
    ctx.warn("the body takes " + std::string(fixed == source ? "" : "at least ") +
             std::to_string(e.segments) + " SMS segments as " + encoding +
             ", more than max_segments " + std::to_string(max_segments_) +
             ": each segment is billed; shorten it or raise max_segments");
  }
}

void SmsStep::run(Batch batch) {
  if (batch.size() == 0) {
    batch.complete();
    return;
  }
  TwilioPlugin* twilio = context().pluginState<TwilioPlugin>();
  if ((twilio == nullptr || !twilio->configured()) && !batch.dryRun()) {
    batch.fail(
        "the twilio plugin is not started or has no account_sid / auth_token "
        "(plugins: twilio: in herald.yaml)");
    return;
  }
  // The batch outlives run(): the last answer completes it, on the loop.
  auto b = std::make_shared<Batch>(std::move(batch));
  auto left = std::make_shared<std::atomic<size_t>>(b->size());
  auto settled = [b, left](size_t i, Outcome outcome) {
    b->set(i, std::move(outcome));
    if (left->fetch_sub(1) == 1) b->complete();
  };
  size_t over = 0;
  for (size_t i = 0; i < b->size(); ++i) {
    const Contact contact = b->contact(i);
    const std::string phone(contact.phone());
    const std::string body = contact.config().value("body", "");
    if (std::string why = refusal(phone, body); !why.empty()) {
      settled(i, Fail{std::move(why)});
      continue;
    }
    const SmsEncoding encoding = smsEncoding(body);
    if (b->dryRun()) {
      if (encoding.segments > max_segments_) ++over;
      b->preview(i, "To: " + phone + "\nFrom: " + (from_.empty() ? "(messaging service)" : from_) +
                        "\n" + describeEncoding(encoding, max_segments_) + "\n\n" + body);
      settled(i, Continue{});
      continue;
    }
    FormFields form = {{"To", phone}, {"Body", body}};
    if (!from_.empty())
      form.emplace_back("From", from_);
    else
      form.emplace_back("MessagingServiceSid", twilio->messagingServiceSid());
    if (std::string callback = twilio->statusCallbackUrl(contact.id(), contact.deliveryKey());
        !callback.empty())
      form.emplace_back("StatusCallback", std::move(callback));
    HttpRequest req;
    req.method = "POST";
    req.url = twilio->messagesUrl();
    req.headers = {{"Authorization", twilio->authorization()},
                   {"Content-Type", "application/x-www-form-urlencoded"},
                   {"Accept", "application/json"}};
    req.body = formEncode(form);
    const Events events = twilio->events();
    const int64_t now_ms = b->nowMs();
    auto answered = [settled, i, encoding, events, phone, now_ms](const HttpResponse& r) {
      TwilioAnswer answer = readTwilioAnswer(r, encoding, now_ms);
      if (!answer.suppress_reason.empty()) events.suppress(phone, answer.suppress_reason);
      settled(i, std::move(answer.outcome));
    };
    // Herald's rate limiter paces the account (rate_limits: in herald.yaml).
    provider::pacedSend(twilio->context(), {"provider:" + twilio->accountSid()}, std::move(req),
                        std::move(answered));
  }
  if (over > 0)
    context().warn(std::to_string(over) + " of " + std::to_string(b->size()) +
                   " rendered bodies take more than max_segments " + std::to_string(max_segments_) +
                   " SMS segments (see the previews)");
}

}  // namespace herald::twilio
