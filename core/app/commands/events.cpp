// `herald events import FILE`: events (purchases, opens, clicks, custom) for
// contacts already imported.
#include "app/command.hpp"
#include "app/commands/import_subcommand.hpp"

namespace herald::app {

void addEventsCommand(CLI::App& app, AppContext& ctx, int& exit_code) {
  auto* group = app.add_subcommand("events", "Manage events: import them from CSV or JSON Lines");
  group->require_subcommand(1);
  addImportSubcommand(
      *group, ctx, exit_code, import::What::kEvents,
      "Import events from a CSV or JSON Lines file (docs/import.md); each names its contact by "
      "external_id or email. An event_id already imported is skipped. All or nothing unless "
      "--skip-invalid.");
}

}  // namespace herald::app
