// `herald events import FILE`: events (purchases, opens, clicks, custom) for
// contacts already imported.
#include <unistd.h>

#include <iostream>
#include <memory>

#include "app/command.hpp"
#include "import/importer.hpp"
#include "import/report.hpp"

namespace herald::app {
namespace {

struct ImportFlags {
  std::string path;
  std::string format = "auto";
  bool skip_invalid = false;
  bool dry_run = false;
};

import::Format formatOf(const std::string& name){if (name == "csv") return import::Format::kCsv;
if (name == "jsonl") return import::Format::kJsonLines;
return import::Format::kAuto;
}  // namespace

}  // namespace herald::app

void addEventsCommand(CLI::App& app, AppContext& ctx, int& exit_code) {
  auto* group = app.add_subcommand("events", "Manage events: import them from CSV or JSON Lines");
  group->require_subcommand(1);

  auto flags = std::make_shared<ImportFlags>();
  auto* imp = group->add_subcommand(
      "import",
      "Import events from a CSV or JSON Lines file (docs/import.md); each names its contact by "
      "external_id or email. An event_id already imported is skipped. All or nothing unless "
      "--skip-invalid.");
  imp->add_option("FILE", flags->path, "CSV (.csv) or JSON Lines (.jsonl) file; - for stdin")
      ->required();
  imp->add_option("--format", flags->format, "File format (default: from the extension)")
      ->check(CLI::IsMember({"auto", "csv", "jsonl"}));
  imp->add_flag("--skip-invalid", flags->skip_invalid,
                "Import the valid rows and list the invalid ones, instead of importing nothing");
  imp->add_flag("--dry-run", flags->dry_run, "Check the whole file and count, but write nothing");
  imp->callback([&ctx, &exit_code, flags] {
    import::ImportOptions options;
    options.path = flags->path;
    options.format = formatOf(flags->format);
    options.skip_invalid = flags->skip_invalid;
    options.dry_run = flags->dry_run;
    options.now_ms = ctx.clock().nowMs();
    const bool tty = ::isatty(STDERR_FILENO) != 0;
    if (tty) {
      options.progress = [](int64_t rows) { std::cerr << "\r" << rows << " rows…" << std::flush; };
    }
    auto report = import::importEvents(ctx.store(), options);
    if (tty && report.rows >= 100000) std::cerr << "\r\033[K" << std::flush;
    exit_code = import::printReport(report, options, import::What::kEvents, std::cout, std::cerr);
  });
}

}  // namespace herald::app
