#include "app/commands/import_subcommand.hpp"

#include <unistd.h>

#include <iostream>
#include <memory>

#include "import/importer.hpp"

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

void addImportSubcommand(CLI::App& group, AppContext& ctx, int& exit_code, import::What what,
                         const std::string& description) {
  auto flags = std::make_shared<ImportFlags>();
  auto* imp = group.add_subcommand("import", description);
  imp->add_option("FILE", flags->path, "CSV (.csv) or JSON Lines (.jsonl) file; - for stdin")
      ->required();
  imp->add_option("--format", flags->format, "File format (default: from the extension)")
      ->check(CLI::IsMember({"auto", "csv", "jsonl"}));
  imp->add_flag("--skip-invalid", flags->skip_invalid,
                "Import the valid rows and list the invalid ones, instead of importing nothing");
  imp->add_flag("--dry-run", flags->dry_run, "Check the whole file and count, but write nothing");
  imp->callback([&ctx, &exit_code, flags, what] {
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
    store::Store& store = ctx.store(DbOpen::kCreate);
    auto report = what == import::What::kContacts ? import::importContacts(store, options)
                  : what == import::What::kEvents ? import::importEvents(store, options)
                                                  : import::importProducts(store, options);
    if (tty && report.rows >= 100000) std::cerr << "\r\033[K" << std::flush;
    exit_code = import::printReport(report, options, what, std::cout, std::cerr);
  });
}

}  // namespace herald::app
