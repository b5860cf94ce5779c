#include "mailgun_webhook.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>

#include "encoding.hpp"
#include "messages_request.hpp"
#include "webhook_events.hpp"

namespace herald::mailgun {
namespace {

std::string text(const nlohmann::json& object, const char* key) {
  return provider::jsonText(object, key);
}

bool signatureMatches(const std::string& key, const std::string& timestamp,
                      const std::string& token, const std::string& signature) {
  const std::string data = timestamp + token;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
           &mac_len) == nullptr)
    return false;
  const std::string expected =
      provider::hexEncode(std::string_view(reinterpret_cast<const char*>(mac), mac_len));
  // Constant time: the comparison must not tell a forger how much matched.
  return signature.size() == expected.size() &&
         CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) == 0;
}

struct Meaning {
  std::string type;      // event to record, "" none
  std::string suppress;  // suppression reason, "" none
};

Meaning meaningOf(const nlohmann::json& e) {
  const std::string event = text(e, "event");
  if (event == "delivered") return {"delivered", ""};
  if (event == "opened") return {"opened", ""};
  if (event == "clicked") return {"clicked", ""};
  if (event == "failed") {
    if (text(e, "severity") != "permanent") return {"deferred", ""};  // Mailgun retries it
    const auto& status = e.contains("delivery-status") ? e["delivery-status"] : nlohmann::json();
    std::string why = text(status, "code");
    for (const char* key : {"message", "description"})
      if (const std::string v = text(status, key); !v.empty()) {
        why += (why.empty() ? "" : " ") + v;
        break;
      }
    if (why.empty()) why = text(e, "reason");
    return {"bounced", "mailgun bounce: " + why};
  }
  if (event == "complained") return {"complained", "mailgun complaint"};
  if (event == "unsubscribed") return {"unsubscribed", "mailgun unsubscribe"};
  return {};  // accepted, stored, ...: acknowledged, not recorded
}

}  // namespace

void serveEvents(const herald::WebhookRequest& req, herald::WebhookResponse& res,
                 const std::string& signing_key, provider::SeenIds& tokens,
                 const herald::PluginContext& plugin) {
  if (!provider::webhookReady(req, res, !signing_key.empty(), plugin,
                              "plugins: mailgun: webhook_signing_key"))
    return;
  const auto body = nlohmann::json::parse(req.body, nullptr, false);
  const nlohmann::json sig =
      body.is_object() && body.contains("signature") ? body["signature"] : nlohmann::json::object();
  const std::string timestamp = text(sig, "timestamp");
  const std::string token = text(sig, "token");
  // Nothing else in the body is trusted before the signature matches.
  if (timestamp.empty() || token.empty() ||
      !signatureMatches(signing_key, timestamp, token, text(sig, "signature")))
    return provider::refuse(res, 401, "bad signature\n");
  if (!provider::webhookFresh(timestamp)) return provider::refuse(res, 401, "stale timestamp\n");
  if (tokens.seen(token)) return provider::refuse(res, 406, "replayed token\n");
  if (!body.contains("event-data") || !body["event-data"].is_object())
    return provider::refuse(res, 400, "expected event-data\n");
  const nlohmann::json& e = body["event-data"];
  const Meaning m = meaningOf(e);
  const nlohmann::json vars =
      e.contains("user-variables") ? e["user-variables"] : nlohmann::json::object();
  provider::ProviderEvent event;
  event.provider = "mailgun";
  event.provider_type = text(e, "event");
  event.email = text(e, "recipient");
  // The contact the message went to, from our own v: variables; else its address.
  const std::string contact = text(vars, kContactVar);
  std::from_chars(contact.data(), contact.data() + contact.size(), event.contact_id);
  event.type = m.type;
  event.suppress_reason = m.suppress;
  if (const std::string id = text(e, "id"); !id.empty()) event.event_id = "mailgun:" + id;
  if (e.contains("timestamp") && e["timestamp"].is_number())
    event.at_ms = static_cast<int64_t>(e["timestamp"].get<double>() * 1000);
  const auto& message = e.contains("message") ? e["message"] : nlohmann::json();
  const auto& headers =
      message.is_object() && message.contains("headers") ? message["headers"] : nlohmann::json();
  event.properties = {{"message_id", text(headers, "message-id")}};
  if (const std::string key = text(vars, kLedgerKeyVar); !key.empty())
    event.properties[kLedgerKeyVar] = key;
  for (const char* key : {"severity", "reason", "url"})
    if (const std::string v = text(e, key); !v.empty()) event.properties[key] = v;
  // The token is not remembered then: Mailgun's retry is handled.
  if (!provider::applyEvent(plugin, event))
    return provider::refuse(res, 500, "could not store the event\n");
  tokens.remember(token);
  res.status = 200;
  res.body = m.type.empty() ? "ignored\n" : "handled " + m.type + "\n";
}

}  // namespace herald::mailgun
