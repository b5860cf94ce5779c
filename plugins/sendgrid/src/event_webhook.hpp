#pragma once
// SendGrid's Event Webhook: a JSON array of events, signed with ECDSA P-256
// over SHA-256 of (X-Twilio-Email-Event-Webhook-Timestamp + raw body), the
// DER signature base64 in X-Twilio-Email-Event-Webhook-Signature, checked
// with the account's verification key (base64 DER SubjectPublicKeyInfo, as
// SendGrid shows it, or PEM).
#include <openssl/evp.h>

#include <herald/sdk.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "webhook_guard.hpp"

namespace herald::sendgrid {

class SignatureVerifier {
 public:
  // Throws std::runtime_error naming what is wrong with the key.
  explicit SignatureVerifier(std::string_view public_key);
  bool verify(std::string_view timestamp, std::string_view body,
              std::string_view signature_b64) const;

 private:
  struct Free {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
  };
  std::unique_ptr<EVP_PKEY, Free> key_;
};

// Serves POST /hooks/sendgrid/events: 401 for a missing, forged or stale
// signature (nothing in the body is read), 400 for a body that is not an
// array of events, 200 once every event was handled (duplicates by
// sg_event_id counted once), 500 when the store failed (SendGrid resends).
void serveEvents(const herald::WebhookRequest& req, herald::WebhookResponse& res,
                 const SignatureVerifier* verifier, provider::SeenIds& seen,
                 const herald::PluginContext& plugin);

}  // namespace herald::sendgrid
