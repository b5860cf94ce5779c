// The contacts command group: `import` (import_subcommand.cpp), and the
// contact's rights: `show`, `export`, `erase`, `suppress` (docs/operations.md,
// "The contact's rights").
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/command.hpp"
#include "app/commands/contact_ref.hpp"
#include "app/commands/import_subcommand.hpp"
#include "import/contact_ref.hpp"
#include "import/values.hpp"
#include "util/clock.hpp"

namespace herald::app {
namespace {

// A usage mistake (exit 2) or a contact that is not there (exit 1), already
// explained on stderr.
[[noreturn]] void fail(int code, const std::string& message) {
  std::cerr << "herald: error: " << message << '\n';
  throw CommandFailed{code};
}

std::string text(const nlohmann::json& v) {
  return v.is_null() ? "-" : v.is_string() ? v.get<std::string>() : v.dump();
}

void printShow(const nlohmann::json& x, std::ostream& out) {
  const auto& c = x["contact"];
  out << fmt::format(
      "contact {}{}\n", c["id"].get<int64_t>(),
      c["external_id"].is_null() ? "" : " (external id " + text(c["external_id"]) + ")");
  for (const char* f : {"email", "phone", "first_name", "last_name", "timezone", "locale"}) {
    out << fmt::format("  {:<12} {}\n", f, text(c[f]));
  }
  out << fmt::format("  {:<12} {}\n", "created", text(c["created_at"]));
  out << fmt::format("  {:<12} {}\n", "updated", text(c["updated_at"]));
  out << fmt::format("  {:<12} {}\n", "suppressed",
                     c["suppressed_at"].is_null()
                         ? std::string("no")
                         : "since " + text(c["suppressed_at"]) + ": nothing is delivered to them");

  out << "attributes\n";
  if (x["attributes"].empty()) out << "  (none)\n";
  for (const auto& [k, v] : x["attributes"].items()) out << fmt::format("  {}: {}\n", k, v.dump());

  std::string tags;
  for (const auto& t : x["tags"]) tags += (tags.empty() ? "" : ", ") + t.get<std::string>();
  out << "tags: " << (tags.empty() ? "(none)" : tags) << '\n';

  out << "consent (the newest answer per channel counts; no answer is no consent)\n";
  int history = 0;
  for (const auto& k : x["consents"]) {
    if (!k["current"].get<bool>()) {
      ++history;
      continue;
    }
    out << fmt::format("  {:<8} {:<4} since {}  source: {}", text(k["channel"]),
                       k["granted"].get<bool>() ? "yes" : "no", text(k["at"]), text(k["source"]));
    const std::string wording = k["wording"].get<std::string>();
    out << (wording.empty() ? std::string("  (wording not recorded)")
                            : fmt::format("  wording: \"{}\"", wording))
        << '\n';
  }
  if (x["consents"].empty()) out << "  (none recorded)\n";
  if (history > 0) {
    out << fmt::format("  ({} earlier {}: 'herald contacts export' lists them)\n", history,
                       history == 1 ? "answer" : "answers");
  }

  const auto& events = x["events"];
  std::map<std::string, int64_t> by_type;
  for (const auto& e : events) ++by_type[e["type"].get<std::string>()];
  std::string types;
  for (const auto& [t, n] : by_type)
    types += fmt::format("{}{} {}", types.empty() ? "" : ", ", n, t);
  out << fmt::format("events: {}", events.size());
  if (!events.empty()) {
    out << fmt::format(" ({}), first {}, last {}", types, text(events.front()["at"]),
                       text(events.back()["at"]));
  }
  out << '\n';

  out << "journeys\n";
  if (x["journeys"].empty()) out << "  (none)\n";
  for (const auto& j : x["journeys"]) {
    out << fmt::format("  run {}  {}  at step '{}'  {}  (updated {})\n", j["run_id"].get<int64_t>(),
                       text(j["workflow"]), text(j["step"]), text(j["status"]),
                       text(j["updated_at"]));
  }

  std::map<std::string, int64_t> by_status;
  for (const auto& m : x["messages"]) ++by_status[m["status"].get<std::string>()];
  std::string statuses;
  for (const auto& [s, n] : by_status) {
    statuses += fmt::format("{}{} {}", statuses.empty() ? "" : ", ", n, s);
  }
  out << fmt::format("messages: {}{}\n", x["messages"].size(),
                     statuses.empty() ? "" : " (" + statuses + ")");
}

void addShow(CLI::App& group, AppContext& ctx, int& exit_code) {
  auto id = std::make_shared<std::string>();
  auto* cmd = group.add_subcommand(
      "show",
      "Show what is stored about one contact: fields, attributes, tags, consent per "
      "channel with its source and wording, suppression, events, journeys, messages");
  cmd->add_option("ID", *id, kContactRefHelp)->required();
  cmd->callback([&ctx, &exit_code, id] {
    const auto c = resolveContactRef(ctx, *id);
    const auto x = ctx.store().exportContact(c.id);
    if (!x) fail(1, fmt::format("no contact with id {} (or it was erased)", c.id));
    printShow(*x, std::cout);
    exit_code = 0;
  });
}

void addExport(CLI::App& group, AppContext& ctx, int& exit_code) {
  struct Flags {
    std::string id;
    std::string out;
  };
  auto flags = std::make_shared<Flags>();
  auto* cmd = group.add_subcommand(
      "export",
      "Everything stored about one contact as JSON (the right of access): fields, attributes, "
      "tags, every consent given or withdrawn with its source, time and wording, events, "
      "journeys and the messages sent");
  cmd->add_option("ID", flags->id, kContactRefHelp)->required();
  cmd->add_option("--out", flags->out, "Write the JSON to this file instead of standard output");
  cmd->callback([&ctx, &exit_code, flags] {
    const auto c = resolveContactRef(ctx, flags->id);
    const auto x = ctx.store().exportContact(c.id);
    if (!x) fail(1, fmt::format("no contact with id {} (or it was erased)", c.id));
    if (flags->out.empty()) {
      std::cout << x->dump(2) << '\n';
    } else {
      std::ofstream f(flags->out, std::ios::binary | std::ios::trunc);
      f << x->dump(2) << '\n';
      f.close();
      if (!f) fail(1, fmt::format("{}: cannot write the export there", flags->out));
      std::cout << fmt::format("wrote contact {} to {} ({} events, {} journeys, {} messages)\n",
                               c.id, flags->out, (*x)["events"].size(), (*x)["journeys"].size(),
                               (*x)["messages"].size());
    }
    exit_code = 0;
  });
}

// Asks on the terminal; false unless the person types "erase".
bool confirmOnTerminal(const store::Contact& c) {
  std::cerr << fmt::format(
      "Erase contact {} ({})? Their personal data is removed for good. Type 'erase' to confirm: ",
      c.id, c.email.value_or(c.phone.value_or(c.external_id.value_or("no address"))));
  std::string answer;
  std::getline(std::cin, answer);
  return import::trim(answer) == "erase";
}

void addErase(CLI::App& group, AppContext& ctx, int& exit_code) {
  struct Flags {
    std::string id;
    bool yes = false;
  };
  auto flags = std::make_shared<Flags>();
  auto* cmd = group.add_subcommand(
      "erase",
      "Erase one contact (the right to erasure): removes their fields, attributes, tags, "
      "consents and journeys, keeps their events anonymised, and puts a salted hash of their "
      "email and phone on the suppression list so no later import brings them back. Cannot be "
      "undone.");
  cmd->add_option("ID", flags->id, kContactRefHelp)->required();
  cmd->add_flag("--yes", flags->yes, "Do not ask for confirmation (required without a terminal)");
  cmd->callback([&ctx, &exit_code, flags] {
    const auto c = resolveContactRef(ctx, flags->id);
    if (!flags->yes) {
      if (::isatty(STDIN_FILENO) == 0) {
        fail(2, fmt::format("erasing contact {} cannot be undone: run again with --yes to "
                            "confirm (standard input is not a terminal to ask on)",
                            c.id));
      }
      if (!confirmOnTerminal(c)) fail(1, "not confirmed; nothing was erased");
    }
    const auto& keep = ctx.config().keep_event_properties;
    const auto report = ctx.store().eraseContact(c.id, keep, ctx.clock().nowMs());
    if (!report) fail(1, fmt::format("no contact with id {} (or it was erased)", c.id));
    std::string kept;
    for (const auto& k : keep) kept += (kept.empty() ? "" : ", ") + k;
    std::string kinds;
    for (const auto& s : report->suppressed) kinds += (kinds.empty() ? "" : " and ") + s.kind;
    std::cout << fmt::format("erased contact {}: fields, attributes, tags and consents removed\n",
                             c.id);
    std::cout << fmt::format("  {} events kept anonymised (type, time{})\n",
                             report->events_anonymised, kept.empty() ? "" : " and " + kept);
    std::cout << fmt::format("  {} {} removed\n", report->journeys_removed,
                             report->journeys_removed == 1 ? "journey" : "journeys");
    if (kinds.empty()) {
      std::cout << "  no email or phone to put on the suppression list\n";
    } else {
      std::cout << fmt::format("  {} added to the suppression list as salted hashes\n", kinds);
    }
    exit_code = 0;
  });
}

void addSuppress(CLI::App& group, AppContext& ctx, int& exit_code) {
  struct Flags {
    std::string address;
    std::string reason = "manual";
  };
  auto flags = std::make_shared<Flags>();
  auto* cmd = group.add_subcommand(
      "suppress",
      "Put an email address or phone number on the suppression list: nothing is delivered to "
      "it, and imports skip rows with it. Only a salted hash of it is stored.");
  cmd->add_option("ADDRESS", flags->address,
                  "An email address, or a phone number in international form (+33612345678)")
      ->required();
  cmd->add_option("--reason", flags->reason, "Why, for the record (default: manual)");
  cmd->callback([&ctx, &exit_code, flags] {
    std::string error;
    const auto parsed = import::parseAddress(flags->address, error);
    if (!parsed) fail(2, error);
    const std::string& kind = parsed->kind;
    const std::string& address = parsed->value;
    const int64_t now = ctx.clock().nowMs();
    // A suppression list may come before the first import.
    const auto s = ctx.store(DbOpen::kCreate).suppressAddress(kind, address, flags->reason, now);
    if (s.at_ms != now || s.reason != flags->reason) {
      std::cout << fmt::format("{} {} was already on the suppression list (since {}, reason: {})\n",
                               kind, address, formatIsoTime(s.at_ms), s.reason);
    } else {
      std::cout << fmt::format(
          "suppressed {} {} (reason: {}): nothing will be delivered to it and imports skip it\n",
          kind, address, s.reason);
    }
    exit_code = 0;
  });
}

}  // namespace

void addContactsCommand(CLI::App& app, AppContext& ctx, int& exit_code) {
  auto* group = app.add_subcommand(
      "contacts", "Manage contacts: import, show, export, erase, suppress an address");
  group->require_subcommand(1);
  addImportSubcommand(
      *group, ctx, exit_code, import::What::kContacts,
      "Import contacts from a CSV or JSON Lines file (docs/import.md): new contacts are created, "
      "known ones (same external_id, else same email) updated. All or nothing unless "
      "--skip-invalid.");
  addShow(*group, ctx, exit_code);
  addExport(*group, ctx, exit_code);
  addErase(*group, ctx, exit_code);
  addSuppress(*group, ctx, exit_code);
}

}  // namespace herald::app
