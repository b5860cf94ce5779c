// `herald bounces fetch`: reads the bounce mailbox (herald.yaml `bounces:`)
// once: each delivery status notification about a message Herald sent
// becomes a `bounced` or `deferred` event on its contact, a hard bounce
// suppresses the address, and the reports are deleted from the mailbox
// (`--keep` leaves them). Other mail, and reports about mail Herald did not
// send, stay where they are. Run it from a
// systemd timer (docs/operations.md, "Bounces by mail").
#include <fmt/format.h>

#include <iostream>

#include "app/command.hpp"
#include "bounces/apply_bounce.hpp"
#include "bounces/pop3_mailbox.hpp"
#include "util/clock.hpp"

namespace herald::app {
namespace {

int fetchBounces(AppContext& ctx, bool keep) {
  const auto& cfg = ctx.config().bounces;
  if (cfg.mailbox.empty()) {
    std::cerr << "herald: error: no bounce mailbox configured: add bounces.mailbox, "
                 "bounces.username and bounces.password_file to the config "
                 "(docs/operations.md, \"Bounces by mail\")\n";
    return 2;
  }
  bounces::BounceTally tally;
  try {
    bounces::Pop3Mailbox mailbox(
        {cfg.mailbox, cfg.username, cfg.password, cfg.verify_tls, cfg.ca_file});
    const int64_t now = SystemClock().nowMs();
    for (int number : mailbox.list()) {
      ++tally.messages;
      const auto dsn = bounces::parseDsn(mailbox.retrieve(number));
      if (!dsn) {
        ++tally.not_report;
        continue;
      }
      if (bounces::applyDsn(ctx.store(), *dsn, now, tally) && !keep) mailbox.remove(number);
    }
  } catch (const std::runtime_error& e) {
    std::cerr << "herald: error: " << e.what() << '\n';
    return 1;
  }
  const auto plural = [](int64_t n, const char* one, const char* many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
  };
  const int64_t left = keep ? tally.messages : tally.not_ours + tally.not_report;
  std::cout << fmt::format(
      "{}: {}, {}: {} (suppressed), {}, {} about mail Herald did not send; "
      "{} left in the mailbox\n",
      cfg.mailbox, plural(tally.messages, "message", "messages"),
      plural(tally.reports, "delivery report", "delivery reports"),
      plural(tally.hard, "hard bounce", "hard bounces"),
      plural(tally.soft, "delay or soft failure", "delays or soft failures"), tally.not_ours,
      plural(left, "message", "messages"));
  return 0;
}

}  // namespace

void addBouncesCommand(CLI::App& app, AppContext& ctx, int& exit_code) {
  auto* bounces = app.add_subcommand("bounces", "Read bounce reports from the bounce mailbox");
  bounces->require_subcommand(1);
  auto* fetch = bounces->add_subcommand(
      "fetch",
      "Turn the delivery status notifications in the bounce mailbox into events and "
      "suppressions, once");
  auto keep = std::make_shared<bool>(false);
  fetch->add_flag("--keep", *keep, "Leave the reports in the mailbox");
  fetch->callback([&ctx, &exit_code, keep] { exit_code = fetchBounces(ctx, *keep); });
}

}  // namespace herald::app
