#pragma once
// `herald contacts import FILE` and `herald events import FILE` share their
// flags and their run: one `import` subcommand added to either group.
#include <string>

#include "app/command.hpp"
#include "import/report.hpp"

namespace herald::app {

void addImportSubcommand(CLI::App& group, AppContext& ctx, int& exit_code, import::What what,
                         const std::string& description);

}  // namespace herald::app
