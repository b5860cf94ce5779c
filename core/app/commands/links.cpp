// `herald links verify URL|TOKEN` and `herald links sign PURPOSE ...`: the
// daemon's public links from the command line, with the keys of the config
// (links.keys). `verify` answers a support question ("this unsubscribe link
// does not work"): whom and what the link is about, which key signed it and
// until when, or why the public listener refuses it. `sign` makes a link by
// hand, e.g. an unsubscribe link for a contact who asked by phone.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "app/command.hpp"
#include "links/signer.hpp"
#include "util/clock.hpp"

namespace herald::app {
namespace {

constexpr links::Purpose kPurposes[] = {links::Purpose::kUnsubscribe, links::Purpose::kOpen,
                                        links::Purpose::kClick};

std::optional<links::Purpose> purposeFromString(const std::string& text) {
  for (auto p : kPurposes)
    if (text == links::toString(p)) return p;
  return std::nullopt;
}

const links::Signer& signerOf(AppContext& ctx, std::optional<links::Signer>& slot) {
  const auto& keys = ctx.config().links.keys;
  if (keys.empty()) {
    std::cerr << "herald: error: no link signing key configured: add links.keys to the config "
                 "(docs/operations.md, \"Signed links\")\n";
    throw CommandFailed{2};
  }
  slot.emplace(keys);
  return *slot;
}

// The token of a URL (BASE/u/TOKEN, /o/TOKEN, /c/TOKEN) or the token itself.
std::string tokenOf(const std::string& text) {
  const auto slash = text.find_last_of('/');
  std::string token = slash == std::string::npos ? text : text.substr(slash + 1);
  const auto query = token.find_first_of("?#");
  return query == std::string::npos ? token : token.substr(0, query);
}

struct SignFlags {
  std::string purpose;
  int64_t contact = 0;
  std::string workflow;
  std::string revision;
  std::string step;
  std::string url;
  std::string expires;
  bool json = false;
};

int runSign(AppContext& ctx, const SignFlags& f) {
  const auto purpose = purposeFromString(f.purpose);
  if (!purpose) {
    std::cerr << "herald: error: unknown link purpose '" << f.purpose
              << "'; use unsubscribe, open or click\n";
    return 2;
  }
  if ((*purpose == links::Purpose::kClick) != !f.url.empty()) {
    std::cerr << "herald: error: "
              << (f.url.empty() ? "a click link needs --url (where it leads)"
                                : "--url is only for click links")
              << '\n';
    return 2;
  }
  std::chrono::milliseconds lifetime = ctx.config().links.lifetime;
  if (!f.expires.empty()) {
    auto d = config::parseDuration(f.expires);
    if (!d || d->count() <= 0) {
      std::cerr << "herald: error: --expires '" << f.expires
                << "' is not a duration; write e.g. 30d, 12h or 90m\n";
      return 2;
    }
    lifetime = *d;
  }
  std::optional<links::Signer> slot;
  const auto& signer = signerOf(ctx, slot);
  const links::LinkIds ids{f.contact, f.workflow, f.revision, f.step, 0, f.url};
  const int64_t expires_ms = ctx.clock().nowMs() + lifetime.count();
  const std::string url = links::linkUrl(ctx.config().http.public_base_url, *purpose,
                                         signer.sign(*purpose, ids, expires_ms));
  if (f.json)
    std::cout << nlohmann::json{{"url", url}, {"expires", formatIsoTime(expires_ms)}}.dump(2)
              << '\n';
  else
    std::cout << url << '\n';
  return 0;
}

int runVerify(AppContext& ctx, const std::string& text, bool json) {
  std::optional<links::Signer> slot;
  const auto& signer = signerOf(ctx, slot);
  const std::string token = tokenOf(text);
  const int64_t now = ctx.clock().nowMs();
  // The first refusal other than "wrong purpose" is the one to report.
  links::Refusal refusal = links::Refusal::kWrongPurpose;
  for (auto p : kPurposes) {
    auto v = signer.verify(token, p, now);
    if (v.link) {
      const auto& l = *v.link;
      nlohmann::ordered_json out = {{"valid", true},
                                    {"purpose", links::toString(l.purpose)},
                                    {"contact", l.ids.contact_id},
                                    {"workflow", l.ids.workflow},
                                    {"revision", l.ids.revision},
                                    {"step", l.ids.step},
                                    {"key", l.key_id},
                                    {"expires", formatIsoTime(l.expires_ms)}};
      if (!l.ids.url.empty()) out["url"] = l.ids.url;
      if (json) {
        std::cout << out.dump(2) << '\n';
      } else {
        for (const auto& [k, val] : out.items())
          if (k != "valid")
            std::cout << fmt::format("{:<9} {}\n", k + ":",
                                     val.is_string() ? val.get<std::string>() : val.dump());
      }
      return 0;
    }
    if (v.refusal != links::Refusal::kWrongPurpose) {
      refusal = v.refusal;
      break;
    }
  }
  if (json) {
    std::cout << nlohmann::json{{"valid", false}, {"refusal", links::toString(refusal)}}.dump(2)
              << '\n';
  } else {
    std::cerr << "herald: error: the public listener refuses this link: "
              << links::toString(refusal)
              << (refusal == links::Refusal::kUnknownKey
                      ? " (signed by a key no longer in links.keys)"
                  : refusal == links::Refusal::kExpired
                      ? ""
                      : " (not a link these keys signed, or altered)")
              << '\n';
  }
  return 1;
}

}  // namespace

void addLinksCommand(CLI::App& app, AppContext& ctx, int& exit_code) {
  CLI::App* cmd =
      app.add_subcommand("links", "Check or make the daemon's signed public links (links.keys)");
  cmd->require_subcommand(1);

  auto text = std::make_shared<std::string>();
  auto verify_json = std::make_shared<bool>(false);
  CLI::App* verify = cmd->add_subcommand(
      "verify", "What a link is about (contact, workflow, step, expiry), or why it is refused");
  verify->add_option("LINK", *text, "The URL or its token")->required();
  verify->add_flag("--json", *verify_json, "Print as JSON");
  verify->callback(
      [&ctx, &exit_code, text, verify_json] { exit_code = runVerify(ctx, *text, *verify_json); });

  auto f = std::make_shared<SignFlags>();
  CLI::App* sign = cmd->add_subcommand("sign", "Make a signed link by hand");
  sign->add_option("PURPOSE", f->purpose, "unsubscribe, open or click")->required();
  sign->add_option("--contact", f->contact, "The contact's id")->required();
  sign->add_option("--workflow", f->workflow, "The workflow it is attributed to")->required();
  sign->add_option("--revision", f->revision, "The workflow's revision");
  sign->add_option("--step", f->step, "The step it is attributed to");
  sign->add_option("--url", f->url, "Where a click link leads");
  sign->add_option("--expires", f->expires, "Lifetime, e.g. 30d (default links.lifetime)");
  sign->add_flag("--json", f->json, "Print the URL and its expiry as JSON");
  sign->callback([&ctx, &exit_code, f] { exit_code = runSign(ctx, *f); });
}

}  // namespace herald::app
