// Unit test of the postbird plugin with the SDK's fake host: scripted HTTP
// answers stand in for Postbird, and webhooks are handed to the route as the
// daemon's public listener would. No network.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <herald/testing.hpp>
#include <iostream>
#include <thread>

namespace {

int failures = 0;

void check(bool ok, const char* what) {
  if (!ok) {
    std::cerr << "FAILED: " << what << "\n";
    ++failures;
  }
}

const std::string kSecret = "whsec_0123456789abcdef";

// Postbird's signature header for `body`.
std::string sign(const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
  std::string hex = "sha256=";
  for (unsigned int i = 0; i < len; ++i) {
    static constexpr char kHex[] = "0123456789abcdef";
    hex += kHex[mac[i] >> 4];
    hex += kHex[mac[i] & 0xf];
  }
  return hex;
}

}  // namespace

int main() {
  const auto plugin = herald::testing::Plugin::load(POSTBIRD_PLUGIN_FILE);
  check(plugin.problems().empty(), "the descriptor is well formed");

  herald::testing::Host host;
  check(host.startPlugin(plugin, {{"base_url", "https://api.postbird.test"},
                                  {"api_key", "pk_test"},
                                  {"webhook_secret", kSecret}}) == HERALD_OK,
        "the plugin starts with its settings");

  // One scripted answer per address, as Postbird would give them.
  host.services().answerHttp([](const herald::HttpRequest& r) {
    const auto to = nlohmann::json::parse(r.body)["to"].get<std::string>();
    if (to == "slow@example.com") return herald::HttpResponse{429, {{"Retry-After", "2"}}, ""};
    if (to == "bad@example.com")
      return herald::HttpResponse{422, {}, R"({"error": "invalid recipient"})"};
    if (to == "down@example.com") {
      herald::HttpResponse down;
      down.transport_error = true;
      down.retryable = true;
      down.error = "connection refused";
      return down;
    }
    return herald::HttpResponse{202, {}, R"({"id": "msg_1"})"};
  });

  const nlohmann::json config = {
      {"from", "shop@example.com"}, {"subject", "Hi"}, {"text", "Hello"}};
  auto& step = host.create(plugin, "postbird.email", config);
  check(step.ok(), "postbird.email accepts a valid config");
  const auto result = step.run({
      {.id = 1, .email = "ann@example.com"},
      {.id = 2, .email = "slow@example.com"},
      {.id = 3, .email = "bad@example.com"},
      {.id = 4, .email = "down@example.com"},
  });
  check(result.ok(), "the batch completes");
  check(result.outcomes.size() == 4, "one outcome per contact");
  check(result.outcomes[0].kind == HERALD_OUTCOME_CONTINUE, "2xx: sent");
  check(result.outcomes[0].vars["postbird_message_id"] == "msg_1", "the message id is kept");
  check(result.outcomes[1].kind == HERALD_OUTCOME_RETRY_AFTER, "429: retry after");
  check(result.outcomes[1].retry_after_ms == 2000, "Retry-After is honoured");
  check(result.outcomes[2].kind == HERALD_OUTCOME_FAIL, "4xx: failed for good");
  check(result.outcomes[2].reason.find("invalid recipient") != std::string::npos,
        "the provider's error is the reason");
  check(result.outcomes[3].kind == HERALD_OUTCOME_FAIL_RETRYABLE, "transport error: retryable");

  const auto sent = host.services().httpRequests();
  check(sent.size() == 4, "one request per contact");
  check(sent[0].method == "POST" && sent[0].url == "https://api.postbird.test/v1/messages",
        "POST to {base_url}/v1/messages");
  check(herald::HttpResponse{0, sent[0].headers, ""}.header("authorization") == "Bearer pk_test",
        "the API key is the bearer token");

  // Webhooks: a forged signature changes nothing; signed receipts are recorded.
  const std::string bounce =
      R"({"id": "evt_2", "type": "bounced", "email": "ann@example.com", "reason": "5.1.1"})";
  auto res = host.webhook("POST", "/hooks/postbird/events",
                          {{"X-Postbird-Signature", "sha256=" + std::string(64, '0')}}, bounce);
  check(res.status == 401, "a forged signature is refused");
  check(host.services().events().empty() && host.services().suppressions().empty(),
        "and nothing is recorded");

  const std::string delivered =
      R"({"id": "evt_1", "type": "delivered", "email": "ann@example.com", "message_id": "msg_1"})";
  res = host.webhook("POST", "/hooks/postbird/events", {{"X-Postbird-Signature", sign(delivered)}},
                     delivered);
  check(res.status == 202, "a signed receipt is accepted");
  res = host.webhook("POST", "/hooks/postbird/events", {{"X-Postbird-Signature", sign(bounce)}},
                     bounce);
  check(res.status == 202, "a signed bounce is accepted");
  host.services().runLoop();
  const auto events = host.services().events();
  check(events.size() == 2 && events[0].type == "delivered" && events[1].type == "bounced",
        "delivered and bounced become events");
  const auto suppressed = host.services().suppressions();
  check(suppressed.size() == 1 && suppressed[0].address == "ann@example.com",
        "a bounce suppresses the address");

  // max_in_flight: the fake host answers only when its loop runs, so before
  // that no more than max_in_flight requests may have gone out.
  herald::testing::Host window;
  window.startPlugin(plugin,
                     {{"api_key", "pk_test"}, {"webhook_secret", kSecret}, {"max_in_flight", 2}});
  auto& windowed = window.create(plugin, "postbird.email", config);
  auto pending = window.start(windowed, {{.id = 1, .email = "a@example.com"},
                                         {.id = 2, .email = "b@example.com"},
                                         {.id = 3, .email = "c@example.com"},
                                         {.id = 4, .email = "d@example.com"}});
  for (int waited = 0; waited < 200 && window.services().httpRequests().size() < 2; ++waited)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // run() has issued all it will
  check(window.services().httpRequests().size() == 2, "at most max_in_flight requests at once");
  const auto drained = pending.wait();  // runs the loop: each answer starts the next request
  check(drained.completed && window.services().httpRequests().size() == 4,
        "the queued requests follow as answers arrive");

  if (failures == 0) std::cout << "postbird: all checks passed\n";
  return failures == 0 ? 0 : 1;
}
