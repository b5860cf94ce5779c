#pragma once
// Every CLI verb lives in commands/<verb>.cpp and exposes one function that
// adds its subcommand to the CLI11 app. The callback sets `exit_code`
// (0 success, 1 problems found in the input, 2 usage errors) or throws
// CommandFailed after printing why.
#include <CLI/CLI.hpp>

#include "app/app_context.hpp"

namespace herald::app {

using AddCommand = void (*)(CLI::App& app, AppContext& ctx, int& exit_code);

void addValidateCommand(CLI::App& app, AppContext& ctx, int& exit_code);
void addSchemaCommand(CLI::App& app, AppContext& ctx, int& exit_code);
void addPluginsCommand(CLI::App& app, AppContext& ctx, int& exit_code);
void addContactsCommand(CLI::App& app, AppContext& ctx, int& exit_code);
void addEventsCommand(CLI::App& app, AppContext& ctx, int& exit_code);
void addRunCommand(CLI::App& app, AppContext& ctx, int& exit_code);
void addRunsCommand(CLI::App& app, AppContext& ctx, int& exit_code);
void addSendsCommand(CLI::App& app, AppContext& ctx, int& exit_code);
void addExperimentsCommand(CLI::App& app, AppContext& ctx, int& exit_code);
void addSegmentCommand(CLI::App& app, AppContext& ctx, int& exit_code);
void addTemplateCommand(CLI::App& app, AppContext& ctx, int& exit_code);
void addProductsCommand(CLI::App& app, AppContext& ctx, int& exit_code);
void addRecommendCommand(CLI::App& app, AppContext& ctx, int& exit_code);
void addServeCommand(CLI::App& app, AppContext& ctx, int& exit_code);
void addReloadCommand(CLI::App& app, AppContext& ctx, int& exit_code);
void addWorkflowsCommand(CLI::App& app, AppContext& ctx, int& exit_code);
void addLinksCommand(CLI::App& app, AppContext& ctx, int& exit_code);
void addBouncesCommand(CLI::App& app, AppContext& ctx, int& exit_code);

}  // namespace herald::app
