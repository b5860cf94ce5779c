#include "email_step.hpp"

#include <atomic>
#include <email_mime/header.hpp>
#include <stdexcept>

#include "outcome.hpp"
#include "tracking.hpp"

namespace herald::smtp {
namespace {

// Shown in dry runs on a host without link keys, in place of a signed link.
constexpr const char* kPreviewLink = "https://links.invalid/preview";

}  // namespace

EmailStep::EmailStep(StepContext& ctx, const nlohmann::json& config)
    : Step(ctx), settings_(readSettings(ctx.settings())) {
  senders_ = email_mime::readSenders(ctx, config);
  email_mime::checkHasBody(ctx, config);
  transactional_ = config.value("transactional", false);
  track_opens_ = config.value("track_opens", false);
  track_clicks_ = config.value("track_clicks", false);
  if (const auto it = config.find("headers"); it != config.end() && it->is_object()) {
    for (const auto& [name, value] : it->items()) {
      if (const std::string error = email_mime::extraHeaderError(name); !error.empty()) {
        ctx.diagnostic("/headers/" + name, error);
        continue;
      }
      headers_.emplace_back(name, value.get<std::string>());
    }
  }
  if (!settings_.envelope_from.empty() && !email_mime::validAddrSpec(settings_.envelope_from)) {
    ctx.diagnostic("", "plugins.smtp.envelope_from in herald.yaml: '" + settings_.envelope_from +
                           "' is not an email address; write it like bounces@example.com");
  }
  const std::string key = config.value("dkim_key", "");
  const bool named = !settings_.dkim_domain.empty() || !settings_.dkim_selector.empty();
  if (key.empty() && named) {
    ctx.diagnostic("",
                   "DKIM: plugins.smtp in herald.yaml names a dkim_domain or dkim_selector "
                   "but no key; add dkim_key_file: (a file holding the private key)");
  } else if (!key.empty() && (settings_.dkim_domain.empty() || settings_.dkim_selector.empty())) {
    ctx.diagnostic(
        "/dkim_key",
        "DKIM: a key needs dkim_domain and dkim_selector in herald.yaml (plugins: smtp:)");
  } else if (!key.empty()) {
    std::string error;
    dkim_ =
        email_mime::DkimSigner::fromPem(settings_.dkim_domain, settings_.dkim_selector, key, error);
    if (!dkim_) ctx.diagnostic("/dkim_key", "DKIM: " + error);
  }
}

std::optional<EmailStep::Submission> EmailStep::prepare(Batch& b, size_t i,
                                                        std::string& reason) const {
  const Contact contact = b.contact(i);
  std::optional<email_mime::EmailMessage> m =
      email_mime::messageForContact(b, contact, senders_, reason);
  if (!m) return std::nullopt;
  const auto link = [&](herald_link_purpose purpose, std::string_view target) {
    std::string url;
    if (b.signLink(i, purpose, url, target) == HERALD_OK) return std::optional<std::string>(url);
    if (b.dryRun()) return std::optional<std::string>(kPreviewLink);
    return std::optional<std::string>();
  };
  if (!transactional_) {
    const std::optional<std::string> unsubscribe = link(HERALD_LINK_UNSUBSCRIBE, {});
    if (!unsubscribe) {
      reason =
          "a marketing email needs a signed one-click unsubscribe link, and this Herald cannot "
          "sign links: set links.keys in herald.yaml (or mark a receipt `transactional: true`)";
      return std::nullopt;
    }
    m->list_unsubscribe = *unsubscribe;
  }
  if (m->html && track_clicks_) {
    m->html = rewriteLinks(
        *m->html, [&](const std::string& target) { return link(HERALD_LINK_CLICK, target); });
  }
  if (m->html && track_opens_) {
    if (const auto pixel = link(HERALD_LINK_OPEN, {})) m->html = addOpenPixel(*m->html, *pixel);
  }
  m->extra_headers = headers_;
  Submission out;
  out.data = email_mime::composeEmail(*m);
  if (dkim_) {
    out.data = dkim_->sign(out.data, b.nowMs() / 1000, reason);
    if (out.data.empty()) return std::nullopt;
  }
  out.sender = settings_.envelope_from.empty() ? m->from.addr : settings_.envelope_from;
  out.to = m->to.addr;
  out.message_id = "<" + email_mime::messageId(*m) + ">";
  out.contact_id = contact.id();
  return out;
}

void EmailStep::submit(std::shared_ptr<const Submission> s,
                       std::function<void(Outcome)> settle) const {
  auto send = [this, s, settle] {
    const herald_status status =
        context().smtp().send(s->sender, {s->to}, s->data,
                              [this, s, settle](const SmtpResult& r) { settle(answered(*s, r)); });
    if (status != HERALD_OK) {
      settle(Fail{"the host refused the SMTP submission (status " + std::to_string(status) + ")",
                  true});
    }
  };
  // The host paces each recipient domain: built-in paces for the big mailbox
  // providers, the operator's rate_limits: for the rest. Without permits
  // (an older host) the message goes at once.
  std::string domain(email_mime::domainOf(s->to));
  for (char& c : domain) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  if (context().permits().acquire("domain:" + domain, send) != HERALD_OK) send();
}

Outcome EmailStep::answered(const Submission& s, const SmtpResult& r) const {
  StepContext& ctx = context();
  Delivery d = classify(r, s.message_id, settings_.retry_after_ms);
  if (d.suppress_reason) {
    const std::string why = withoutAddress(*d.suppress_reason, s.to);
    ctx.events().suppress(s.to, why);
    Event bounced;
    bounced.contact_id = s.contact_id;
    bounced.type = "bounced";
    bounced.properties = {
        {"provider", "smtp"}, {"kind", "hard"}, {"message_id", s.message_id}, {"reason", why}};
    ctx.events().record(bounced, nullptr);
    ctx.counter("bounces_total", 1);
  } else if (std::holds_alternative<Continue>(d.outcome)) {
    ctx.counter("messages_sent_total", 1);
  } else if (std::holds_alternative<RetryAfter>(d.outcome)) {
    ctx.counter("messages_deferred_total", 1);
  }
  return std::move(d.outcome);
}

void EmailStep::run(Batch batch) {
  // The batch outlives run(): the last SMTP reply completes it, on the loop.
  auto b = std::make_shared<Batch>(std::move(batch));
  if (b->size() == 0) {
    b->complete();
    return;
  }
  // One more than the contacts: run() holds the last share, so a reply that
  // comes back before the loop below ends cannot complete the batch early.
  auto left = std::make_shared<std::atomic<size_t>>(b->size() + 1);
  auto release = [b, left] {
    if (left->fetch_sub(1) == 1) b->complete();
  };
  auto settled = [b, release](size_t i, Outcome outcome) {
    // After the step deadline the host has failed the batch: a late reply
    // has nowhere to go (the engine retries the batch; the ledger keeps the
    // key from being sent twice).
    if (!b->completed()) {
      try {
        b->set(i, std::move(outcome));
      } catch (const std::logic_error&) {  // completed in between, on the loop
      }
    }
    release();
  };
  const bool dry_run = b->dryRun();
  for (size_t i = 0; i < b->size(); ++i) {
    std::string reason;
    std::optional<Submission> submission = prepare(*b, i, reason);
    if (!submission) {
      settled(i, Fail{reason, false});
      continue;
    }
    const std::string& eml = submission->data;
    if (dry_run) {
      b->preview(i, eml);
      settled(i, Continue{});
      continue;
    }
    submit(std::make_shared<const Submission>(std::move(*submission)),
           [settled, i](Outcome outcome) { settled(i, std::move(outcome)); });
  }
  release();
}

}  // namespace herald::smtp
