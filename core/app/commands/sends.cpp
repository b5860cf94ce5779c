// `herald sends list` and `herald sends show KEY`: the send ledger, one row
// per message key, with the policy's decision and the message's fate.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "app/command.hpp"
#include "app/commands/contact_ref.hpp"
#include "engine/report.hpp"
#include "util/clock.hpp"

namespace herald::app {
namespace {

struct ListFlags {
  std::string workflow;
  std::string contact;
  std::string state;
  int limit = 100;
  bool json = false;
};

struct ShowFlags {
  std::string key;
  bool json = false;
};

int listSends(AppContext& ctx, const ListFlags& flags) {
  store::LedgerFilter filter;
  filter.workflow = flags.workflow;
  filter.limit = flags.limit;
  if (!flags.state.empty()) {
    filter.status = store::ledgerStatusFromString(flags.state);
    if (!filter.status) {
      std::cerr << "herald: error: --state: unknown state '" << flags.state << "'; the states are "
                << engine::ledgerStateNames() << '\n';
      return 2;
    }
  }
  if (!flags.contact.empty()) {
    // A plain id lists an erased contact's rows too (the ledger outlives it).
    if (flags.contact.find_first_not_of("0123456789") == std::string::npos &&
        flags.contact.size() <= 18)
      filter.contact_id = std::stoll(flags.contact);
    else
      filter.contact_id = resolveContactRef(ctx, flags.contact).id;
  }
  const auto rows = ctx.store().listLedger(filter);
  if (flags.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : rows) out.push_back(engine::toJson(e));
    std::cout << out.dump(2) << '\n';
    return 0;
  }
  if (rows.empty()) {
    std::cout << "no sends match; a delivery step's messages are listed here once a run "
                 "reaches it\n";
    return 0;
  }
  std::cout << fmt::format("{:<20}  {:<8}  {:<12}  {}\n", "updated", "state", "decision", "key");
  for (const auto& e : rows) {
    std::cout << fmt::format("{:<20}  {:<8}  {:<12}  {}\n", formatIsoTime(e.updated_ms),
                             store::toString(e.status), e.decision, e.key.text());
    if (!e.detail.empty()) std::cout << "    " << e.detail << '\n';
  }
  if (static_cast<int>(rows.size()) == flags.limit)
    std::cout << fmt::format("(the {} most recent; --limit shows more)\n", flags.limit);
  return 0;
}

int showSend(AppContext& ctx, const ShowFlags& flags) {
  const auto key = store::parseLedgerKey(flags.key);
  if (!key) {
    std::cerr << "herald: error: '" << flags.key
              << "' is not a send key; a key reads WORKFLOW/REVISION/STEP/CONTACT/OCCURRENCE, "
                 "as 'herald sends list' prints it\n";
    return 2;
  }
  const auto e = ctx.store().ledgerEntry(*key);
  if (!e) {
    std::cerr << "herald: error: no send has the key '" << flags.key
              << "'; 'herald sends list' shows the keys\n";
    return 1;
  }
  if (flags.json) {
    std::cout << engine::toJson(*e).dump(2) << '\n';
    return 0;
  }
  auto line = [](const char* label, const std::string& value) {
    std::cout << fmt::format("{:<15} {}\n", std::string(label) + ":", value);
  };
  line("key", e->key.text());
  line("workflow", fmt::format("{} (revision {})", e->key.workflow, e->key.revision.substr(0, 12)));
  line("step", e->key.step_id);
  line("contact", std::to_string(e->key.contact_id));
  line("occurrence",
       fmt::format("entry {}, pass {}", e->key.occurrence >> 16, e->key.occurrence & 0xffff));
  line("channel", e->channel);
  line("state", store::toString(e->status));
  line("decision", e->decision);
  if (!e->detail.empty()) line("detail", e->detail);
  if (e->until_ms) line("deferred until", formatIsoTime(*e->until_ms));
  line("kind", e->transactional ? "transactional (no caps, no quiet hours)" : "marketing");
  line("run", std::to_string(e->run_id));
  line("created", formatIsoTime(e->created_ms));
  line("updated", formatIsoTime(e->updated_ms));
  return 0;
}

}  // namespace

void addSendsCommand(CLI::App& app, AppContext& ctx, int& exit_code) {
  CLI::App* sends = app.add_subcommand(
      "sends", "The send ledger: every message key with its policy decision and fate");
  sends->require_subcommand(1);

  auto list_flags = std::make_shared<ListFlags>();
  CLI::App* list =
      sends->add_subcommand("list", "Send ledger rows, the most recently changed first");
  list->add_option("--workflow", list_flags->workflow, "Only this workflow's sends");
  list->add_option("--contact", list_flags->contact, kContactRefHelp);
  list->add_option("--state", list_flags->state,
                   "Only rows in this state: " + engine::ledgerStateNames());
  list->add_option("--limit", list_flags->limit, "Show at most N rows (default 100)")
      ->check(CLI::PositiveNumber);
  list->add_flag("--json", list_flags->json, "Print JSON");
  list->callback([&ctx, &exit_code, list_flags] { exit_code = listSends(ctx, *list_flags); });

  auto show_flags = std::make_shared<ShowFlags>();
  CLI::App* show = sends->add_subcommand("show", "One send ledger row, by its key");
  show->add_option("KEY", show_flags->key,
                   "The key, WORKFLOW/REVISION/STEP/CONTACT/OCCURRENCE (see 'herald sends list')")
      ->required();
  show->add_flag("--json", show_flags->json, "Print JSON");
  show->callback([&ctx, &exit_code, show_flags] { exit_code = showSend(ctx, *show_flags); });
}

}  // namespace herald::app
