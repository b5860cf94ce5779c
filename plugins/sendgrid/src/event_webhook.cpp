#include "event_webhook.hpp"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <charconv>
#include <stdexcept>

#include "encoding.hpp"
#include "mail_send_request.hpp"
#include "webhook_events.hpp"

namespace herald::sendgrid {
namespace {

constexpr std::string_view kSignatureHeader = "x-twilio-email-event-webhook-signature";
constexpr std::string_view kTimestampHeader = "x-twilio-email-event-webhook-timestamp";

EVP_PKEY* readKey(std::string_view text) {
  if (text.find("-----BEGIN") != std::string_view::npos) {
    BIO* bio = BIO_new_mem_buf(text.data(), static_cast<int>(text.size()));
    if (bio == nullptr) return nullptr;
    EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    return key;
  }
  const auto der = provider::base64Decode(text);
  if (!der) return nullptr;
  const auto* p = reinterpret_cast<const unsigned char*>(der->data());
  return d2i_PUBKEY(nullptr, &p, static_cast<long>(der->size()));
}

std::string text(const nlohmann::json& event, const char* key) {
  return provider::jsonText(event, key);
}

// What one event means for Herald: an event type to record ("" none) and a
// suppression reason ("" none).
struct Meaning {
  std::string type;
  std::string suppress;
};

Meaning meaningOf(const nlohmann::json& e) {
  const std::string event = text(e, "event");
  const std::string why =
      text(e, "status").empty() ? text(e, "reason") : text(e, "status") + " " + text(e, "reason");
  if (event == "delivered") return {"delivered", ""};
  if (event == "open") return {"opened", ""};
  if (event == "click") return {"clicked", ""};
  if (event == "bounce") {
    // type "blocked" is SendGrid's soft bounce: the address itself is fine.
    if (text(e, "type") == "blocked") return {"blocked", ""};
    return {"bounced", "sendgrid bounce: " + why};
  }
  if (event == "dropped") return {"bounced", "sendgrid dropped: " + text(e, "reason")};
  if (event == "spamreport") return {"complained", "sendgrid spam report"};
  if (event == "unsubscribe" || event == "group_unsubscribe")
    return {"unsubscribed", "sendgrid " + event};
  return {};  // processed, deferred, ...: acknowledged, not recorded
}

}  // namespace

SignatureVerifier::SignatureVerifier(std::string_view public_key) : key_(readKey(public_key)) {
  if (!key_)
    throw std::runtime_error(
        "webhook_public_key is not a public key: paste the Event Webhook's verification key "
        "(base64) from SendGrid's Mail Settings, or a PEM public key");
  if (EVP_PKEY_get_base_id(key_.get()) != EVP_PKEY_EC)
    throw std::runtime_error("webhook_public_key is not an ECDSA (P-256) key");
}

bool SignatureVerifier::verify(std::string_view timestamp, std::string_view body,
                               std::string_view signature_b64) const {
  const auto signature = provider::base64Decode(signature_b64);
  if (!signature || signature->empty()) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return false;
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key_.get()) == 1 &&
            EVP_DigestVerifyUpdate(ctx, timestamp.data(), timestamp.size()) == 1 &&
            EVP_DigestVerifyUpdate(ctx, body.data(), body.size()) == 1;
  ok = ok && EVP_DigestVerifyFinal(ctx, reinterpret_cast<const unsigned char*>(signature->data()),
                                   signature->size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

void serveEvents(const herald::WebhookRequest& req, herald::WebhookResponse& res,
                 const SignatureVerifier* verifier, provider::SeenIds& seen,
                 const herald::PluginContext& plugin) {
  if (!provider::webhookReady(req, res, verifier != nullptr, plugin,
                              "plugins: sendgrid: webhook_public_key"))
    return;
  // Nothing in the body is trusted before the signature matches.
  const std::string timestamp = req.header(kTimestampHeader);
  if (!verifier->verify(timestamp, req.body, req.header(kSignatureHeader)))
    return provider::refuse(res, 401, "bad signature\n");
  if (!provider::webhookFresh(timestamp)) return provider::refuse(res, 401, "stale timestamp\n");
  const auto events = nlohmann::json::parse(req.body, nullptr, false);
  if (!events.is_array()) return provider::refuse(res, 400, "expected a JSON array of events\n");
  size_t handled = 0;
  size_t duplicates = 0;
  bool failed = false;
  for (const auto& e : events) {
    if (!e.is_object()) continue;
    const std::string id = text(e, "sg_event_id");
    if (!id.empty() && seen.seen(id)) {
      ++duplicates;  // SendGrid resends a batch it got no 2xx for
      continue;
    }
    const Meaning m = meaningOf(e);
    provider::ProviderEvent event;
    event.provider = "sendgrid";
    event.provider_type = text(e, "event");
    event.email = text(e, "email");
    // The contact the message went to, from our own custom_args; else its address.
    const std::string contact = text(e, kContactArg);
    std::from_chars(contact.data(), contact.data() + contact.size(), event.contact_id);
    event.type = m.type;
    event.suppress_reason = m.suppress;
    if (!id.empty()) event.event_id = "sendgrid:" + id;
    if (e.contains("timestamp") && e["timestamp"].is_number_integer())
      event.at_ms = e["timestamp"].get<int64_t>() * 1000;
    event.properties = {{"message_id", text(e, "sg_message_id")}};
    for (const char* key : {kLedgerKeyArg, "reason", "status", "url", "type"})
      if (const std::string v = text(e, key); !v.empty()) event.properties[key] = v;
    if (!provider::applyEvent(plugin, event)) {
      failed = true;  // not remembered: the resend is handled
      continue;
    }
    if (!id.empty()) seen.remember(id);
    ++handled;
  }
  res.status = failed ? 500 : 200;
  res.body = "handled " + std::to_string(handled) + ", duplicates " + std::to_string(duplicates) +
             (failed ? ", failed (resend)\n" : "\n");
}

}  // namespace herald::sendgrid
