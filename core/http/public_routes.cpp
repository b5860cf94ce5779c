#include "http/public_routes.hpp"

#include <fmt/format.h>

#include "engine/delivery_policy.hpp"
#include "http/machine_traffic.hpp"
#include "http/problem.hpp"
#include "store/store.hpp"
#include "template/html_escape.hpp"
#include "util/log.hpp"

namespace herald::http {
namespace {

// The smallest transparent GIF (1x1, 43 bytes).
constexpr unsigned char kPixel[] = {
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00,
    0x00, 0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b};

Response page(const Request& req, bhttp::status status, std::string_view title,
              std::string_view body_html) {
  std::string html =
      "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width\">"
      "<meta name=\"robots\" content=\"noindex\"><title>";
  tmpl::appendHtmlEscaped(html, title);
  html +=
      "</title></head>\n<body style=\"font-family:sans-serif;max-width:32em;margin:3em auto\">\n";
  html += body_html;
  html += "\n</body></html>\n";
  auto res = makeResponse(req, status, "text/html; charset=utf-8", std::move(html));
  res.set("Content-Security-Policy",
          "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
  res.set("Referrer-Policy", "no-referrer");
  return res;
}

struct Context {
  daemon::Control& control;
  const links::Signer* signer;
  HttpMetrics& metrics;

  // The link in `ex`'s {token}, or answers 404 (counted as bad_token).
  std::optional<links::Link> link(const Exchange& ex, links::Purpose purpose,
                                  const Respond& respond) {
    if (signer != nullptr) {
      auto v = signer->verify(ex.params.at("token"), purpose, control.clock().nowMs());
      if (v.link) return v.link;
      metrics.refusal(std::string("bad_token_") + links::toString(v.refusal));
    } else {
      metrics.refusal("bad_token_no_keys");
    }
    // The same answer whatever was wrong: a prober learns nothing.
    if (purpose == links::Purpose::kUnsubscribe) {
      respond(page(ex.request, bhttp::status::not_found, "Link not valid",
                   "<h1>This link is not valid</h1><p>It may have expired. To stop receiving "
                   "these messages, use the unsubscribe link in a recent message.</p>"));
    } else {
      respond(problemResponse(ex.request, bhttp::status::not_found, "this link is not valid"));
    }
    return std::nullopt;
  }

  // Why the open or click of `link` in `ex` looks made by a machine, or
  // nullopt (machine_traffic.hpp).
  std::optional<std::string> machineReason(const Exchange& ex, const links::Link& link) {
    TrafficRequest r{sv(ex.request[bhttp::field::user_agent]), ex.remote, std::nullopt};
    auto sent = control.store().ledgerEntry(sendKey(link));
    if (sent && sent->status == store::LedgerStatus::kSent) {
      r.since_send_ms = control.clock().nowMs() - sent->updated_ms;
    }
    return http::machineReason(r);
  }

  static store::LedgerKey sendKey(const links::Link& link) {
    return {link.ids.workflow, link.ids.revision, link.ids.step, link.ids.contact_id,
            link.ids.occurrence};
  }

  // Records the event of `link`, then calls `then` (after the commit). An
  // open or click made by a machine (`machine`, its reason) says so in its
  // properties: machine: true, machine_reason.
  void record(const links::Link& link, const char* type, std::optional<std::string> event_id,
              std::optional<std::string> machine, std::function<void(bool stored)> then) {
    daemon::IncomingEvent e;
    e.contact_id = link.ids.contact_id;
    e.type = type;
    e.at_ms = control.clock().nowMs();
    e.properties = {{"workflow", link.ids.workflow},
                    {"revision", link.ids.revision},
                    {"step", link.ids.step},
                    {"send", sendKey(link).text()}};
    if (!link.ids.url.empty()) e.properties["url"] = link.ids.url;
    if (machine) {
      e.properties["machine"] = true;
      e.properties["machine_reason"] = std::move(*machine);
    }
    e.event_id = std::move(event_id);
    std::vector<daemon::IncomingEvent> events;
    events.push_back(std::move(e));
    control.ingestEvents(std::move(events), [then = std::move(then)](daemon::IngestResult r) {
      if (r.error) log::warn("public", "a link event could not be stored: " + *r.error);
      then(!r.error);
    });
  }

  // Withdraws the contact's email consent with source kUnsubscribeSource
  // (one transaction); false when the contact is gone (erased).
  bool withdrawConsent(const links::Link& link) {
    auto& store = control.store();
    auto c = store.contactById(link.ids.contact_id);
    if (!c || (!c->external_id && !c->email)) return false;
    store::Contact change;
    change.external_id = c->external_id;
    change.email = c->email;
    change.consents.push_back(
        {"email", false, engine::kUnsubscribeSource, control.clock().nowMs(),
         fmt::format("unsubscribe link of {} / {}", link.ids.workflow, link.ids.step)});
    auto import = store.beginContactImport();
    if (import->upsert(change) == 0) return false;
    import->commit();
    return true;
  }
};

bool oneClickBody(std::string_view body) {
  // application/x-www-form-urlencoded; RFC 8058 sends exactly this pair,
  // perhaps among others.
  while (!body.empty()) {
    const size_t amp = body.find('&');
    if (body.substr(0, amp) == "List-Unsubscribe=One-Click") return true;
    if (amp == std::string_view::npos) break;
    body.remove_prefix(amp + 1);
  }
  return false;
}

}  // namespace

void addPublicRoutes(Router& router, daemon::Control& control, const links::Signer* signer,
                     HttpMetrics& metrics) {
  auto ctx = std::make_shared<Context>(Context{control, signer, metrics});
  router.add(
      bhttp::verb::get, "/u/{token}",
      [ctx](const Exchange& ex, Respond respond) {
        if (!ctx->link(ex, links::Purpose::kUnsubscribe, respond)) return;
        // Nothing is recorded on GET: only the button's POST unsubscribes.
        std::string body =
            "<h1>Unsubscribe</h1><p>Press the button to stop receiving these emails.</p>\n"
            "<form method=\"post\" action=\"";
        tmpl::appendHtmlEscaped(body, ex.params.at("token"));
        body +=
            "\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
            "<button type=\"submit\">Unsubscribe</button></form>";
        respond(page(ex.request, bhttp::status::ok, "Unsubscribe", body));
      },
      false);
  router.add(
      bhttp::verb::post, "/u/{token}",
      [ctx](const Exchange& ex, Respond respond) {
        if (!oneClickBody(std::string_view(ex.request.body()))) {
          ctx->metrics.refusal("invalid_body");
          return respond(problemResponse(ex.request, bhttp::status::bad_request,
                                         "send the body List-Unsubscribe=One-Click (RFC 8058)"));
        }
        auto link = ctx->link(ex, links::Purpose::kUnsubscribe, respond);
        if (!link) return;
        if (!ctx->withdrawConsent(*link)) {
          return respond(
              page(ex.request, bhttp::status::ok, "Unsubscribed", "<h1>You are unsubscribed</h1>"));
        }
        const Request& req = ex.request;
        ctx->record(
            *link, "unsubscribe", "unsubscribe:" + Context::sendKey(*link).text(), std::nullopt,
            [&req, respond](bool) {
              respond(page(req, bhttp::status::ok, "Unsubscribed",
                           "<h1>You are unsubscribed</h1><p>You will not receive these emails any "
                           "more.</p>"));
            });
      },
      false);
  router.add(
      bhttp::verb::get, "/o/{token}",
      [ctx](const Exchange& ex, Respond respond) {
        auto link = ctx->link(ex, links::Purpose::kOpen, respond);
        if (!link) return;
        const Request& req = ex.request;
        ctx->record(
            *link, "open", std::nullopt, ctx->machineReason(ex, *link), [&req, respond](bool) {
              respond(
                  makeResponse(req, bhttp::status::ok, "image/gif",
                               std::string(reinterpret_cast<const char*>(kPixel), sizeof kPixel)));
            });
      },
      false);
  router.add(
      bhttp::verb::get, "/c/{token}",
      [ctx](const Exchange& ex, Respond respond) {
        auto link = ctx->link(ex, links::Purpose::kClick, respond);
        if (!link) return;
        // Only web URLs are ever signed for a click; a token is ours, but
        // a redirect to anything else is refused all the same.
        const auto& url = link->ids.url;
        if (!url.starts_with("https://") && !url.starts_with("http://")) {
          return respond(
              problemResponse(ex.request, bhttp::status::not_found, "this link is not valid"));
        }
        // A machine's click is recorded as one, and still redirected: a
        // person may be behind the scanner.
        const Request& req = ex.request;
        ctx->record(*link, "click", std::nullopt, ctx->machineReason(ex, *link),
                    [&req, respond, url](bool) {
                      auto res =
                          makeResponse(req, bhttp::status::found, "text/plain; charset=utf-8", "");
                      res.set(bhttp::field::location, url);
                      respond(std::move(res));
                    });
      },
      false);
}

}  // namespace herald::http
