// herald/testing_services.hpp — the fake ABI 1.3 services of the test host
// (herald/testing.hpp's Host::services()).
//
// Nothing here touches the network: HTTP and SMTP answers are scripted, the
// loop is a queue the test drains (runLoop(); PendingBatch::wait() drains it
// too), timers run on a manual clock (advance()), permits are granted at
// once unless held back, and events, suppressions and webhook answers are
// captured for assertions.
//
//   herald::testing::Host host;
//   host.services().answerHttp([](const herald::HttpRequest& r) {
//     return herald::HttpResponse{429, {{"Retry-After", "30"}}, ""};
//   });
//   auto result = host.run(step, {contact});          // drains the loop
//   EXPECT_EQ(host.services().httpRequests().size(), 1u);
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "herald/abi.h"
#include "herald/services.hpp"

namespace herald::testing {

/// A message a step submitted through host->smtp_send.
struct SmtpCall {
  std::string sender;
  std::vector<std::string> recipients;
  std::string data;
};

/// A suppression a step or webhook asked for.
struct SuppressionRecord {
  std::string address;
  std::string reason;
};

/// A consent answer a plugin recorded through host->set_consent.
struct ConsentRecord {
  std::string address;
  std::string channel;
  bool granted = false;
  std::string source;
  std::string wording;
};

/// The fake loop services. Owned by the Host; thread-safe.
class FakeServices {
 public:
  using HttpScript = std::function<HttpResponse(const HttpRequest&)>;
  using SmtpScript = std::function<SmtpResult(const SmtpCall&)>;

  /// How HTTP requests are answered (default: 200 with an empty body).
  void answerHttp(HttpScript script) {
    std::lock_guard<std::mutex> lock(mu_);
    http_script_ = std::move(script);
  }
  /// How SMTP submissions are answered (default: 250 for every recipient
  /// and for DATA).
  void answerSmtp(SmtpScript script) {
    std::lock_guard<std::mutex> lock(mu_);
    smtp_script_ = std::move(script);
  }
  /// Makes sign_link answer HERALD_ERR_UNSUPPORTED (no link keys), as the
  /// daemon does without `links.keys`. Default: links are signed as
  /// "https://links.test/<u|o|c>/<contact>/<step>[?to=<target>]".
  void setLinksAvailable(bool available) {
    std::lock_guard<std::mutex> lock(mu_);
    links_ = available;
  }
  /// Holds permits back: acquire() queues until grantPermits().
  void holdPermits(bool hold) {
    std::lock_guard<std::mutex> lock(mu_);
    hold_permits_ = hold;
  }
  /// Grants `n` held permits (all when n is 0); their callbacks are queued.
  void grantPermits(size_t n = 0) {
    std::lock_guard<std::mutex> lock(mu_);
    if (n == 0) n = held_.size();
    while (n-- > 0 && !held_.empty()) {
      queue_.push_back(std::move(held_.front()));
      held_.pop_front();
    }
  }

  /// Runs every queued callback (answers, granted permits, fired timers),
  /// including those queued meanwhile. Returns how many ran.
  size_t runLoop() {
    size_t ran = 0;
    for (;;) {
      std::function<void()> next;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (queue_.empty()) return ran;
        next = std::move(queue_.front());
        queue_.pop_front();
      }
      next();
      ++ran;
    }
  }
  /// Moves the manual clock on by `ms`, fires the timers now due (in due
  /// order) and runs the loop.
  void advance(uint64_t ms) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      now_ms_ += ms;
      std::vector<std::pair<uint64_t, uint64_t>> due;  // (due, id)
      for (const auto& [id, t] : timers_)
        if (t.due <= now_ms_) due.emplace_back(t.due, id);
      std::sort(due.begin(), due.end());
      for (const auto& [at, id] : due) {
        queue_.push_back(std::move(timers_[id].fire));
        timers_.erase(id);
      }
    }
    runLoop();
  }
  /// The manual clock (ms since the Host was made).
  uint64_t nowMs() const {
    std::lock_guard<std::mutex> lock(mu_);
    return now_ms_;
  }
  /// Timers started and not yet fired or cancelled.
  size_t pendingTimers() const {
    std::lock_guard<std::mutex> lock(mu_);
    return timers_.size();
  }

  std::vector<HttpRequest> httpRequests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return http_requests_;
  }
  std::vector<SmtpCall> smtpMessages() const {
    std::lock_guard<std::mutex> lock(mu_);
    return smtp_messages_;
  }
  std::vector<Event> events() const {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }
  std::vector<SuppressionRecord> suppressions() const {
    std::lock_guard<std::mutex> lock(mu_);
    return suppressions_;
  }
  std::vector<ConsentRecord> consents() const {
    std::lock_guard<std::mutex> lock(mu_);
    return consents_;
  }
  /// Makes set_consent, and record_event naming only this email or phone,
  /// answer HERALD_ERR_NOT_FOUND (no contact has it) and record nothing.
  /// By default every address belongs to a contact.
  void unknownAddress(const std::string& address) {
    std::lock_guard<std::mutex> lock(mu_);
    unknown_.push_back(address);
  }
  /// Permit keys asked for, in order (granted or not).
  std::vector<std::string> permitsAsked() const {
    std::lock_guard<std::mutex> lock(mu_);
    return permits_;
  }

  /// Fills the 1.3 entries of `api` (the Host does it).
  void install(herald_host_api& api) {
    api.plugin_ctx = &pluginCtx;
    api.plugin_state = &pluginState;
    api.plugin_log = &pluginLog;
    api.http_request = &httpRequest;
    api.smtp_send = &smtpSend;
    api.timer_start = &timerStart;
    api.timer_cancel = &timerCancel;
    api.permit_acquire = &permitAcquire;
    api.sign_link = nullptr;  // the Host serves it: it knows the batches
    api.record_event = &recordEvent;
    api.suppress = &suppress;
    api.webhook_reply = &webhookReply;
    api.webhook_reply_header = &webhookReplyHeader;
    api.set_consent = &setConsent;
  }
  /// The handle steps get from host->plugin_ctx().
  herald_plugin_ctx* handle() noexcept { return reinterpret_cast<herald_plugin_ctx*>(this); }
  /// What host->plugin_state() returns (the Host sets it in startPlugin()).
  void setState(void* state) {
    std::lock_guard<std::mutex> lock(mu_);
    state_ = state;
  }
  /// plugin_log lines, for the Host's logs.
  std::function<void(herald_log_level, const std::string&)> on_log;
  /// A plugin-contract violation (the Host records it in bugs()).
  std::function<void(const std::string&)> on_bug;

  /// A signed-looking link (see setLinksAvailable).
  herald_status fakeLink(int64_t contact, const std::string& step, int32_t purpose,
                         const char* target, std::string& out) const {
    std::lock_guard<std::mutex> lock(mu_);
    if (!links_) return HERALD_ERR_UNSUPPORTED;
    if (purpose < HERALD_LINK_UNSUBSCRIBE || purpose > HERALD_LINK_CLICK) return HERALD_ERR_INVALID;
    if (purpose == HERALD_LINK_CLICK && (target == nullptr || *target == '\0'))
      return HERALD_ERR_INVALID;
    const char* kind = purpose == HERALD_LINK_UNSUBSCRIBE ? "u"
                       : purpose == HERALD_LINK_OPEN      ? "o"
                                                          : "c";
    out = std::string("https://links.test/") + kind + "/" + std::to_string(contact) + "/" + step;
    if (purpose == HERALD_LINK_CLICK) out += std::string("?to=") + target;
    return HERALD_OK;
  }

 private:
  struct Timer {
    uint64_t due = 0;
    std::function<void()> fire;
  };

  static FakeServices* self(herald_plugin_ctx* p) { return reinterpret_cast<FakeServices*>(p); }
  static herald_plugin_ctx* pluginCtx(herald_step_ctx*);  // defined by testing.hpp
  static void* pluginState(herald_plugin_ctx* p) {
    if (p == nullptr) return nullptr;
    std::lock_guard<std::mutex> lock(self(p)->mu_);
    return self(p)->state_;
  }
  static void pluginLog(herald_plugin_ctx* p, int32_t level, const char* message) {
    if (p == nullptr || !self(p)->on_log) return;
    if (level < HERALD_LOG_DEBUG || level > HERALD_LOG_ERROR) level = HERALD_LOG_ERROR;
    self(p)->on_log(static_cast<herald_log_level>(level), message ? message : "(null)");
  }
  void bug(const std::string& what) {
    if (on_bug) on_bug(what);
  }

  static herald_status httpRequest(herald_plugin_ctx* p, const herald_http_request* r,
                                   herald_http_callback done, void* user) {
    if (p == nullptr) return HERALD_ERR_INVALID;
    FakeServices* s = self(p);
    if (r == nullptr || r->url == nullptr || done == nullptr) {
      s->bug("http_request() with a NULL request, url or callback");
      return HERALD_ERR_INVALID;
    }
    HttpRequest req;
    req.method = r->method ? r->method : "GET";
    req.url = r->url;
    req.headers = detail::readHeaders(r->headers, r->header_count);
    if (r->body_len > 0) req.body.assign(r->body, r->body_len);
    req.timeout_ms = r->timeout_ms;
    std::lock_guard<std::mutex> lock(s->mu_);
    s->http_requests_.push_back(req);
    HttpScript script = s->http_script_;
    s->queue_.push_back([script, req, done, user] {
      HttpResponse res = script ? script(req) : HttpResponse{200, {}, "", false, false, ""};
      const auto headers = detail::writeHeaders(res.headers);
      herald_http_response out{};
      out.struct_size = sizeof out;
      out.status = res.status;
      out.headers = headers.data();
      out.header_count = res.headers.size();
      out.body = res.body.data();
      out.body_len = res.body.size();
      out.transport_error = res.transport_error ? 1 : 0;
      out.retryable = res.retryable ? 1 : 0;
      out.error = res.transport_error ? res.error.c_str() : nullptr;
      done(user, &out);
    });
    return HERALD_OK;
  }

  static herald_status smtpSend(herald_plugin_ctx* p, const herald_smtp_message* m,
                                herald_smtp_callback done, void* user) {
    if (p == nullptr) return HERALD_ERR_INVALID;
    FakeServices* s = self(p);
    if (m == nullptr || m->sender == nullptr || m->recipient_count == 0 || done == nullptr) {
      s->bug("smtp_send() without a sender, recipients or callback");
      return HERALD_ERR_INVALID;
    }
    SmtpCall call;
    call.sender = m->sender;
    for (size_t i = 0; i < m->recipient_count; ++i)
      call.recipients.emplace_back(m->recipients[i] ? m->recipients[i] : "");
    if (m->data_len > 0) call.data.assign(m->data, m->data_len);
    std::lock_guard<std::mutex> lock(s->mu_);
    s->smtp_messages_.push_back(call);
    SmtpScript script = s->smtp_script_;
    s->queue_.push_back([script, call, done, user] {
      SmtpResult res;
      if (script) {
        res = script(call);
      } else {
        res.mail_from = SmtpReply{250, "2.1.0", "OK"};
        for (size_t i = 0; i < call.recipients.size(); ++i)
          res.recipients.push_back(SmtpReply{250, "2.1.5", "OK"});
        res.data = SmtpReply{250, "2.0.0", "queued"};
      }
      auto abi = [](const SmtpReply& r) {
        return herald_smtp_reply{sizeof(herald_smtp_reply), r.code, r.enhanced.c_str(),
                                 r.text.c_str()};
      };
      std::vector<herald_smtp_reply> replies;
      for (const auto& r : res.recipients) replies.push_back(abi(r));
      std::vector<const herald_smtp_reply*> pointers;
      for (const auto& r : replies) pointers.push_back(&r);
      herald_smtp_reply mail_from{};
      herald_smtp_reply data{};
      herald_smtp_result out{};
      out.struct_size = sizeof out;
      out.transport_error = res.transport_error ? 1 : 0;
      out.retryable = res.retryable ? 1 : 0;
      out.error = res.transport_error ? res.error.c_str() : nullptr;
      if (res.mail_from) {
        mail_from = abi(*res.mail_from);
        out.mail_from = &mail_from;
      }
      out.recipients = pointers.data();
      out.recipient_count = pointers.size();
      if (res.data) {
        data = abi(*res.data);
        out.data = &data;
      }
      done(user, &out);
    });
    return HERALD_OK;
  }

  static herald_status timerStart(herald_plugin_ctx* p, uint64_t delay_ms,
                                  herald_timer_callback fire, void* user, uint64_t* out) {
    if (out) *out = 0;
    if (p == nullptr || fire == nullptr) return HERALD_ERR_INVALID;
    FakeServices* s = self(p);
    std::lock_guard<std::mutex> lock(s->mu_);
    const uint64_t id = s->next_timer_++;
    s->timers_[id] = Timer{s->now_ms_ + delay_ms, [fire, user] { fire(user); }};
    if (out) *out = id;
    return HERALD_OK;
  }
  static herald_status timerCancel(herald_plugin_ctx* p, uint64_t id) {
    if (p == nullptr) return HERALD_ERR_INVALID;
    std::lock_guard<std::mutex> lock(self(p)->mu_);
    return self(p)->timers_.erase(id) ? HERALD_OK : HERALD_ERR_NOT_FOUND;
  }

  static herald_status permitAcquire(herald_plugin_ctx* p, const char* key,
                                     herald_permit_callback granted, void* user) {
    if (p == nullptr) return HERALD_ERR_INVALID;
    FakeServices* s = self(p);
    if (key == nullptr || *key == '\0' || granted == nullptr) {
      s->bug("permit_acquire() without a key or callback");
      return HERALD_ERR_INVALID;
    }
    std::lock_guard<std::mutex> lock(s->mu_);
    s->permits_.emplace_back(key);
    auto fn = [granted, user] { granted(user); };
    if (s->hold_permits_)
      s->held_.push_back(std::move(fn));
    else
      s->queue_.push_back(std::move(fn));
    return HERALD_OK;
  }

  static herald_status recordEvent(herald_plugin_ctx* p, const herald_event* e,
                                   herald_status_callback done, void* user) {
    if (p == nullptr) return HERALD_ERR_INVALID;
    FakeServices* s = self(p);
    const bool has_phone = e != nullptr &&
                           e->struct_size >= offsetof(herald_event, phone) + sizeof(const char*) &&
                           e->phone != nullptr;
    if (e == nullptr || e->type == nullptr || *e->type == '\0' ||
        (e->contact_id <= 0 && e->external_id == nullptr && e->email == nullptr && !has_phone)) {
      s->bug("record_event() without a type or a contact");
      return HERALD_ERR_INVALID;
    }
    Event ev;
    ev.contact_id = e->contact_id;
    ev.external_id = e->external_id ? e->external_id : "";
    ev.email = e->email ? e->email : "";
    ev.type = e->type;
    ev.at_ms = e->at_ms;
    if (e->properties_json != nullptr) {
      ev.properties = nlohmann::json::parse(e->properties_json, nullptr, false);
      if (ev.properties.is_discarded() || !ev.properties.is_object()) {
        s->bug("record_event() with properties that are not a JSON object");
        return HERALD_ERR_INVALID;
      }
    }
    ev.event_id = e->event_id ? e->event_id : "";
    if (has_phone) ev.phone = e->phone;
    std::lock_guard<std::mutex> lock(s->mu_);
    const std::string only =
        ev.contact_id <= 0 && ev.external_id.empty() && ev.email.empty() ? ev.phone : std::string();
    if (!only.empty() && s->unknownLocked(only)) {
      if (done != nullptr) s->queue_.push_back([done, user] { done(user, HERALD_ERR_NOT_FOUND); });
      return HERALD_OK;
    }
    s->events_.push_back(std::move(ev));
    if (done != nullptr) s->queue_.push_back([done, user] { done(user, HERALD_OK); });
    return HERALD_OK;
  }

  static herald_status suppress(herald_plugin_ctx* p, const char* address, const char* reason) {
    if (p == nullptr) return HERALD_ERR_INVALID;
    FakeServices* s = self(p);
    const std::string a = address ? address : "";
    if (!validAddress(a) || reason == nullptr || *reason == '\0') return HERALD_ERR_INVALID;
    std::lock_guard<std::mutex> lock(s->mu_);
    s->suppressions_.push_back({a, reason});
    return HERALD_OK;
  }

  static bool validAddress(const std::string& a) {
    const bool email = a.find('@') != std::string::npos && a.front() != '@' && a.back() != '@';
    const bool phone =
        a.size() > 4 && a.front() == '+' &&
        std::all_of(a.begin() + 1, a.end(), [](char c) { return c >= '0' && c <= '9'; });
    return email || phone;
  }
  bool unknownLocked(const std::string& address) const {
    return std::find(unknown_.begin(), unknown_.end(), address) != unknown_.end();
  }

  static herald_status setConsent(herald_plugin_ctx* p, const char* address, const char* channel,
                                  int32_t granted, const char* source, const char* wording) {
    if (p == nullptr) return HERALD_ERR_INVALID;
    FakeServices* s = self(p);
    const std::string a = address ? address : "";
    if (!validAddress(a) || channel == nullptr || *channel == '\0' || source == nullptr ||
        *source == '\0')
      return HERALD_ERR_INVALID;
    std::lock_guard<std::mutex> lock(s->mu_);
    if (s->unknownLocked(a)) return HERALD_ERR_NOT_FOUND;
    s->consents_.push_back({a, channel, granted != 0, source, wording ? wording : ""});
    return HERALD_OK;
  }

  static void webhookReply(herald_webhook_reply* reply, int32_t status, const char* content_type,
                           const char* body, size_t body_len) {
    auto* res = reinterpret_cast<WebhookResponse*>(reply);
    if (res == nullptr) return;
    res->status = status;
    res->content_type = content_type ? content_type : "";
    res->body.assign(body ? body : "", body ? body_len : 0);
  }
  static void webhookReplyHeader(herald_webhook_reply* reply, const char* name, const char* value) {
    auto* res = reinterpret_cast<WebhookResponse*>(reply);
    if (res == nullptr || name == nullptr) return;
    res->headers.emplace_back(name, value ? value : "");
  }

  mutable std::mutex mu_;
  HttpScript http_script_;
  SmtpScript smtp_script_;
  bool links_ = true;
  bool hold_permits_ = false;
  void* state_ = nullptr;
  uint64_t now_ms_ = 0;
  uint64_t next_timer_ = 1;
  std::map<uint64_t, Timer> timers_;
  std::deque<std::function<void()>> queue_;
  std::deque<std::function<void()>> held_;
  std::vector<HttpRequest> http_requests_;
  std::vector<SmtpCall> smtp_messages_;
  std::vector<Event> events_;
  std::vector<SuppressionRecord> suppressions_;
  std::vector<ConsentRecord> consents_;
  std::vector<std::string> unknown_;
  std::vector<std::string> permits_;
};

}  // namespace herald::testing
