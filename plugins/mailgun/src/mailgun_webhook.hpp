#pragma once
// Mailgun's webhooks: a JSON body {"signature": {"timestamp", "token",
// "signature"}, "event-data": {...}} where signature is the hex
// HMAC-SHA256 of timestamp + token under the account's webhook signing key.
// The signature does not cover event-data, so a token is accepted once: a
// captured post cannot be replayed with other event data.
#include <herald/sdk.hpp>
#include <string>

#include "webhook_guard.hpp"

namespace herald::mailgun {

// Serves POST /hooks/mailgun/events: 401 for a missing, forged or stale
// signature, 406 for a token seen before (Mailgun does not retry a 406),
// 400 for a body without event-data, 200 once handled (events already
// stored under their id are counted once), 500 when the store failed
// (Mailgun retries).
void serveEvents(const herald::WebhookRequest& req, herald::WebhookResponse& res,
                 const std::string& signing_key, provider::SeenIds& tokens,
                 const herald::PluginContext& plugin);

}  // namespace herald::mailgun
