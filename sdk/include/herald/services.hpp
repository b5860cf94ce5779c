// herald/services.hpp — the C++ layer over the ABI 1.3 host services
// (header-only; included by herald/sdk.hpp).
//
// One small class per concern, each a copyable view of (host table, plugin
// handle): Http, Smtp, Timers, Permits, Events. Get them from
// StepContext::plugin() in a step, or from the PluginContext a plugin class
// receives (HERALD_PLUGIN_WITH). Callbacks are std::function on the plugin's
// side only: the SDK keeps each on the heap and hands the host a C
// trampoline and a pointer, so no STL type or exception crosses the
// boundary. Every callback runs on the engine's loop thread, exactly once
// when the call returned HERALD_OK, never inside the call itself; it must
// not block. An exception out of a callback is caught and logged.
//
// On a host older than ABI 1.3 every call returns HERALD_ERR_UNSUPPORTED;
// where a service cannot work (`herald validate`: no loop; no link keys)
// the host answers HERALD_ERR_UNSUPPORTED too and logs why.
#pragma once

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "herald/abi.h"

namespace herald {

/// Name/value pairs, in order (HTTP headers may repeat).
using Headers = std::vector<std::pair<std::string, std::string>>;

namespace detail {

// The host table of ABI 1.3 ends with webhook_reply_header.
inline constexpr size_t kHostApi13Size =
    offsetof(herald_host_api, webhook_reply_header) + sizeof(void*);

inline bool hostOffers13(const herald_host_api* host) noexcept {
  return host != nullptr && host->struct_size >= kHostApi13Size && host->abi_minor >= 3;
}

// set_consent was appended to the 1.3 table later: its host says so by size.
inline bool hostOffersConsent(const herald_host_api* host) noexcept {
  return hostOffers13(host) &&
         host->struct_size >= offsetof(herald_host_api, set_consent) + sizeof(void*) &&
         host->set_consent != nullptr;
}

inline void logFromCallback(const herald_host_api* host, herald_plugin_ctx* plugin,
                            const char* what) noexcept {
  if (host != nullptr && plugin != nullptr) host->plugin_log(plugin, HERALD_LOG_ERROR, what);
}

// A heap-held std::function handed to the host as `user`; freed after its
// one call, or by the caller when the host refused the registration.
template <class... Args>
struct Held {
  const herald_host_api* host;
  herald_plugin_ctx* plugin;
  std::function<void(Args...)> fn;
};

inline Headers readHeaders(const char* const* pairs, size_t count) {
  Headers out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const char* n = pairs[2 * i];
    const char* v = pairs[2 * i + 1];
    out.emplace_back(n ? n : "", v ? v : "");
  }
  return out;
}

inline std::vector<const char*> writeHeaders(const Headers& headers) {
  std::vector<const char*> out;
  out.reserve(headers.size() * 2);
  for (const auto& [n, v] : headers) {
    out.push_back(n.c_str());
    out.push_back(v.c_str());
  }
  return out;
}

}  // namespace detail

/// An outbound HTTP(S) request.
struct HttpRequest {
  std::string method = "GET";
  std::string url{};
  Headers headers{};
  std::string body{};
  uint32_t timeout_ms = 30000;
};

/// Its answer: a status from the server, or a transport error (status 0).
struct HttpResponse {
  int status = 0;
  Headers headers{};
  std::string body{};
  bool transport_error = false;
  bool retryable = false;  ///< transport errors a later retry may cure
  std::string error{};
  /// The first header named `name` (case-insensitive), or "".
  std::string header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n.size() != name.size()) continue;
      bool same = true;
      for (size_t i = 0; i < n.size() && same; ++i)
        same = std::tolower(static_cast<unsigned char>(n[i])) ==
               std::tolower(static_cast<unsigned char>(name[i]));
      if (same) return v;
    }
    return {};
  }
};

/// One SMTP reply.
struct SmtpReply {
  int code = 0;
  std::string enhanced{};  ///< "5.1.1", or "" when the server sent none
  std::string text{};
};

/// The outcome of one submission: per-recipient replies and DATA's reply, or
/// a transport error (connection, TLS, AUTH, timeout).
struct SmtpResult {
  bool transport_error = false;
  bool retryable = false;
  std::string error{};
  std::optional<SmtpReply> mail_from{};
  std::vector<SmtpReply> recipients{};  ///< in order; fewer when the session dropped
  std::optional<SmtpReply> data{};
};

/// An event for a contact (Events::record).
struct Event {
  int64_t contact_id = 0;  ///< 0: find the contact by external_id, else email
  std::string external_id{};
  std::string email{};
  std::string type{};  ///< "delivered", "bounced", "opened", ...
  int64_t at_ms = 0;   ///< 0: now
  nlohmann::json properties = nlohmann::json::object();
  std::string event_id{};  ///< idempotency key; "" for none
  /// +E.164: the contact with this phone number, when contact_id,
  /// external_id and email are all empty (an SMS reply names only a number).
  std::string phone{};
};

/// The plugin-wide handle: logging and the services below.
class PluginContext {
 public:
  PluginContext(const herald_host_api* host, herald_plugin_ctx* plugin) noexcept
      : host_(host), plugin_(plugin) {}
  const herald_host_api* host() const noexcept { return host_; }
  herald_plugin_ctx* handle() const noexcept { return plugin_; }
  /// True when the host speaks ABI 1.3 (otherwise every service is unsupported).
  bool available() const noexcept { return plugin_ != nullptr && detail::hostOffers13(host_); }
  /// Logs under the plugin's name. Never throws.
  void log(herald_log_level level, std::string_view message) const noexcept {
    if (!available()) return;
    try {
      const std::string text(message);
      host_->plugin_log(plugin_, level, text.c_str());
    } catch (...) {
    }
  }

 protected:
  const herald_host_api* host_;
  herald_plugin_ctx* plugin_;
};

/// host->http_request: pooled keep-alive connections, TLS verified, a
/// per-plugin cap on requests in flight (the rest queue).
class Http : public PluginContext {
 public:
  using PluginContext::PluginContext;
  using Callback = std::function<void(const HttpResponse&)>;

  /// Starts `request`; `done` gets the answer on the loop. HERALD_OK, or
  /// HERALD_ERR_INVALID / HERALD_ERR_UNSUPPORTED (then `done` is not called).
  herald_status request(const HttpRequest& request, Callback done) const noexcept {
    if (!available()) return HERALD_ERR_UNSUPPORTED;
    try {
      auto held = std::make_unique<detail::Held<const HttpResponse&>>(
          detail::Held<const HttpResponse&>{host_, plugin_, std::move(done)});
      const auto headers = detail::writeHeaders(request.headers);
      herald_http_request req{};
      req.struct_size = sizeof req;
      req.method = request.method.c_str();
      req.url = request.url.c_str();
      req.headers = headers.data();
      req.header_count = request.headers.size();
      req.body = request.body.data();
      req.body_len = request.body.size();
      req.timeout_ms = request.timeout_ms;
      const herald_status status = host_->http_request(plugin_, &req, &trampoline, held.get());
      if (status == HERALD_OK) held.release();
      return status;
    } catch (...) {
      return HERALD_ERR_INTERNAL;
    }
  }

 private:
  static void trampoline(void* user, const herald_http_response* r) noexcept {
    std::unique_ptr<detail::Held<const HttpResponse&>> held(
        static_cast<detail::Held<const HttpResponse&>*>(user));
    try {
      HttpResponse res;
      res.status = r->status;
      res.headers = detail::readHeaders(r->headers, r->header_count);
      if (r->body_len > 0) res.body.assign(r->body, r->body_len);
      res.transport_error = r->transport_error != 0;
      res.retryable = r->retryable != 0;
      if (r->error) res.error = r->error;
      held->fn(res);
    } catch (...) {
      detail::logFromCallback(held->host, held->plugin, "an HTTP callback threw (plugin bug)");
    }
  }
};

/// host->smtp_send: through the server of the plugin's `smtp:` settings.
class Smtp : public PluginContext {
 public:
  using PluginContext::PluginContext;
  using Callback = std::function<void(const SmtpResult&)>;

  /// Submits `data` (a ready RFC 5322 message) from `sender` to `recipients`.
  herald_status send(const std::string& sender, const std::vector<std::string>& recipients,
                     std::string_view data, Callback done) const noexcept {
    if (!available()) return HERALD_ERR_UNSUPPORTED;
    try {
      auto held = std::make_unique<detail::Held<const SmtpResult&>>(
          detail::Held<const SmtpResult&>{host_, plugin_, std::move(done)});
      std::vector<const char*> rcpt;
      for (const auto& r : recipients) rcpt.push_back(r.c_str());
      herald_smtp_message m{};
      m.struct_size = sizeof m;
      m.sender = sender.c_str();
      m.recipients = rcpt.data();
      m.recipient_count = rcpt.size();
      m.data = data.data();
      m.data_len = data.size();
      const herald_status status = host_->smtp_send(plugin_, &m, &trampoline, held.get());
      if (status == HERALD_OK) held.release();
      return status;
    } catch (...) {
      return HERALD_ERR_INTERNAL;
    }
  }

 private:
  static SmtpReply reply(const herald_smtp_reply& r) {
    return SmtpReply{r.code, r.enhanced ? r.enhanced : "", r.text ? r.text : ""};
  }
  static void trampoline(void* user, const herald_smtp_result* r) noexcept {
    std::unique_ptr<detail::Held<const SmtpResult&>> held(
        static_cast<detail::Held<const SmtpResult&>*>(user));
    try {
      SmtpResult res;
      res.transport_error = r->transport_error != 0;
      res.retryable = r->retryable != 0;
      if (r->error) res.error = r->error;
      if (r->mail_from) res.mail_from = reply(*r->mail_from);
      for (size_t i = 0; i < r->recipient_count; ++i)
        res.recipients.push_back(reply(*r->recipients[i]));
      if (r->data) res.data = reply(*r->data);
      held->fn(res);
    } catch (...) {
      detail::logFromCallback(held->host, held->plugin, "an SMTP callback threw (plugin bug)");
    }
  }
};

/// host->timer_start / timer_cancel: "call me back in N ms" on the loop.
class Timers : public PluginContext {
 public:
  using PluginContext::PluginContext;

  /// Calls `fire` after `delay_ms`; *id (optional) is for cancel().
  herald_status start(uint64_t delay_ms, std::function<void()> fire,
                      uint64_t* id = nullptr) const noexcept {
    if (id) *id = 0;
    if (!available()) return HERALD_ERR_UNSUPPORTED;
    try {
      auto held = std::make_unique<detail::Held<>>(detail::Held<>{host_, plugin_, std::move(fire)});
      uint64_t got = 0;
      const herald_status status =
          host_->timer_start(plugin_, delay_ms, &trampoline, held.get(), &got);
      if (status != HERALD_OK) return status;
      // The id and the holder: cancel() must free it, the timer fires it.
      held.release();
      if (id) *id = got;
      return status;
    } catch (...) {
      return HERALD_ERR_INTERNAL;
    }
  }
  /// HERALD_OK: the timer will not fire (its callback is leaked, a small
  /// std::function, as the host no longer calls it); HERALD_ERR_NOT_FOUND:
  /// it already fired or was cancelled.
  herald_status cancel(uint64_t id) const noexcept {
    if (!available()) return HERALD_ERR_UNSUPPORTED;
    return host_->timer_cancel(plugin_, id);
  }

 private:
  static void trampoline(void* user) noexcept {
    std::unique_ptr<detail::Held<>> held(static_cast<detail::Held<>*>(user));
    try {
      held->fn();
    } catch (...) {
      detail::logFromCallback(held->host, held->plugin, "a timer callback threw (plugin bug)");
    }
  }
};

/// host->permit_acquire: the host's rate limiter (token bucket per key;
/// rates from `rate_limits:` in the plugin's settings). Ask before each
/// request or message, send when granted.
class Permits : public PluginContext {
 public:
  using PluginContext::PluginContext;

  herald_status acquire(std::string_view key, std::function<void()> granted) const noexcept {
    if (!available()) return HERALD_ERR_UNSUPPORTED;
    try {
      auto held =
          std::make_unique<detail::Held<>>(detail::Held<>{host_, plugin_, std::move(granted)});
      const std::string k(key);
      const herald_status status =
          host_->permit_acquire(plugin_, k.c_str(), &trampoline, held.get());
      if (status == HERALD_OK) held.release();
      return status;
    } catch (...) {
      return HERALD_ERR_INTERNAL;
    }
  }

 private:
  static void trampoline(void* user) noexcept {
    std::unique_ptr<detail::Held<>> held(static_cast<detail::Held<>*>(user));
    try {
      held->fn();
    } catch (...) {
      detail::logFromCallback(held->host, held->plugin, "a permit callback threw (plugin bug)");
    }
  }
};

/// host->record_event, host->suppress and host->set_consent: delivery
/// receipts (delivered, opened, bounced, complained, replied), the
/// suppression list, and consent answers a person gives the plugin (an SMS
/// STOP or START).
class Events : public PluginContext {
 public:
  using PluginContext::PluginContext;
  /// HERALD_OK stored (or a duplicate event_id), HERALD_ERR_NOT_FOUND no
  /// such contact, HERALD_ERR_INTERNAL the store failed.
  using Callback = std::function<void(herald_status)>;

  /// Records `event`; `done` (optional) gets the result on the loop.
  herald_status record(const Event& event, Callback done = nullptr) const noexcept {
    if (!available()) return HERALD_ERR_UNSUPPORTED;
    try {
      std::unique_ptr<detail::Held<herald_status>> held;
      if (done)
        held = std::make_unique<detail::Held<herald_status>>(
            detail::Held<herald_status>{host_, plugin_, std::move(done)});
      const std::string props =
          event.properties.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      herald_event e{};
      e.struct_size = sizeof e;
      e.contact_id = event.contact_id;
      e.external_id = event.external_id.empty() ? nullptr : event.external_id.c_str();
      e.email = event.email.empty() ? nullptr : event.email.c_str();
      e.type = event.type.c_str();
      e.at_ms = event.at_ms;
      e.properties_json = props.c_str();
      e.event_id = event.event_id.empty() ? nullptr : event.event_id.c_str();
      e.phone = event.phone.empty() ? nullptr : event.phone.c_str();
      const herald_status status =
          host_->record_event(plugin_, &e, held ? &trampoline : nullptr, held.get());
      if (status == HERALD_OK) held.release();
      return status;
    } catch (...) {
      return HERALD_ERR_INTERNAL;
    }
  }

  /// Records a consent answer on `channel` ("sms", "email") for every
  /// contact with this email address or +E.164 phone number, as an import
  /// or the admin API would, with `source` (where it came from, e.g.
  /// "sms-reply:twilio:STOP") and `wording` (what the person sent; may be
  /// empty). The next delivery's policy check sees it. HERALD_OK recorded,
  /// HERALD_ERR_NOT_FOUND no such contact (nothing recorded),
  /// HERALD_ERR_INVALID a bad address/channel/source, HERALD_ERR_UNSUPPORTED
  /// on a host without the call.
  herald_status setConsent(std::string_view address, std::string_view channel, bool granted,
                           std::string_view source, std::string_view wording = {}) const noexcept {
    if (!available() || !detail::hostOffersConsent(host_)) return HERALD_ERR_UNSUPPORTED;
    try {
      const std::string a(address);
      const std::string c(channel);
      const std::string s(source);
      const std::string w(wording);
      return host_->set_consent(plugin_, a.c_str(), c.c_str(), granted ? 1 : 0, s.c_str(),
                                w.empty() ? nullptr : w.c_str());
    } catch (...) {
      return HERALD_ERR_INTERNAL;
    }
  }

  /// Puts an email address or +E.164 phone number on the suppression list.
  herald_status suppress(std::string_view address, std::string_view reason) const noexcept {
    if (!available()) return HERALD_ERR_UNSUPPORTED;
    try {
      const std::string a(address);
      const std::string r(reason);
      return host_->suppress(plugin_, a.c_str(), r.c_str());
    } catch (...) {
      return HERALD_ERR_INTERNAL;
    }
  }

 private:
  static void trampoline(void* user, herald_status status) noexcept {
    std::unique_ptr<detail::Held<herald_status>> held(
        static_cast<detail::Held<herald_status>*>(user));
    try {
      held->fn(status);
    } catch (...) {
      detail::logFromCallback(held->host, held->plugin, "an event callback threw (plugin bug)");
    }
  }
};

/// A request to one of the plugin's webhook routes (valid during the handler).
struct WebhookRequest {
  std::string_view method{};
  std::string_view path{};
  std::string_view query{};
  Headers headers{};
  std::string_view body{};
  std::string_view remote_address{};
  /// The first header named `name` (case-insensitive), or "".
  std::string header(std::string_view name) const {
    HttpResponse tmp;
    tmp.headers = headers;
    return tmp.header(name);
  }
};

/// The response a webhook handler fills (default: 200, empty body).
struct WebhookResponse {
  int status = 200;
  std::string content_type{};
  Headers headers{};
  std::string body{};
};

}  // namespace herald
