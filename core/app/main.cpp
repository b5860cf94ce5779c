// herald: the CLI and (later) the daemon. Each verb lives in commands/.
#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>
#include <string>

#include "app/command.hpp"
#include "util/clock.hpp"

namespace {

constexpr herald::app::AddCommand kCommands[] = {
    herald::app::addValidateCommand,  herald::app::addSchemaCommand,
    herald::app::addPluginsCommand,   herald::app::addContactsCommand,
    herald::app::addEventsCommand,    herald::app::addRunCommand,
    herald::app::addRunsCommand,      herald::app::addSegmentCommand,
    herald::app::addTemplateCommand,  herald::app::addProductsCommand,
    herald::app::addRecommendCommand, herald::app::addServeCommand,
    herald::app::addReloadCommand,    herald::app::addWorkflowsCommand,
    herald::app::addLinksCommand,     herald::app::addBouncesCommand,
    herald::app::addSendsCommand,     herald::app::addExperimentsCommand,
};

// One line, the way every usage error is reported: exit code 2.
int usageError(const CLI::App& app, const std::string& what) {
  std::cerr << "herald: error: " << what << "\nRun '" << app.get_name() << " --help' for usage.\n";
  return 2;
}

std::string commandList(CLI::App& app) {
  std::string out;
  for (const auto* sub : app.get_subcommands([](CLI::App*) { return true; }))
    out += (out.empty() ? "" : ", ") + sub->get_name();
  return out;
}

// CLI11 would only say "A subcommand is required" for `herald frobnicate`:
// find the first word that is not a global flag or its value and name it.
std::optional<std::string> unknownCommand(CLI::App& app, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("-", 0) == 0) {
      const bool takes_value =
          arg == "--config" || arg == "--plugin-dir" || arg == "--db" || arg == "--now";
      if (takes_value) ++i;
      continue;
    }
    for (const auto* sub : app.get_subcommands([](CLI::App*) { return true; }))
      if (sub->get_name() == arg) return std::nullopt;
    return arg;
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  herald::app::GlobalOptions options;
  CLI::App app{"Herald: marketing automation that runs YAML workflows with plugin steps.",
               "herald"};
  app.set_version_flag("--version", HERALD_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // global flags may come after the verb too
  app.add_option(
      "--config", options.config_path,
      "Daemon config file (default: /etc/herald/herald.yaml, else ./config/herald.yaml)");
  app.add_option("--plugin-dir", options.plugin_dirs,
                 "Load plugins from this directory (repeatable; replaces the config's plugin_dirs)")
      ->allow_extra_args(false);
  app.add_option("--db", options.db_path, "SQLite database file (default: STATE_DIR/herald.db)");
  app.add_option("--now", options.now,
                 "Pretend the time is this ISO 8601 UTC time (tests, backfills)")
      ->check([](const std::string& value) -> std::string {
        if (herald::parseIsoTime(value)) return {};
        return "--now '" + value + "' is not an ISO 8601 time such as 2026-11-22T09:00:00Z";
      });

  herald::app::AppContext ctx(options);
  int exit_code = 0;
  for (auto add : kCommands) add(app, ctx, exit_code);

  if (auto unknown = unknownCommand(app, argc, argv)) {
    return usageError(app, "unknown command '" + *unknown + "'; commands: " + commandList(app));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end parsing with a success code: CLI11 prints the
    // help of the (sub)command they were given to.
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);
    return usageError(app, e.what());
  } catch (const herald::app::CommandFailed& f) {
    return f.exit_code;
  } catch (const std::exception& e) {
    std::cerr << "herald: error: " << e.what() << '\n';
    return 1;
  }
  return exit_code;
}
