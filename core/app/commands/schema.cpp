// `herald schema`: the JSON Schema (draft-07) of workflow files, built from
// the loaded step types, for editors (yaml-language-server) and CI linters.
#include <fstream>
#include <iostream>
#include <memory>

#include "app/command.hpp"
#include "workflow/json_schema.hpp"

namespace herald::app {

void addSchemaCommand(CLI::App& app, AppContext& ctx, int& exit_code) {
  auto output = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "schema",
      "Print the JSON Schema (draft-07) of workflow files, with every loaded step type's "
      "settings, for editor completion. Put '# yaml-language-server: $schema=FILE' at the top "
      "of a workflow to use it.");
  cmd->add_option("-o,--output", *output, "Write the schema to this file instead of stdout");
  cmd->callback([output, &ctx, &exit_code] {
    const std::string text = workflow::workflowJsonSchema(ctx.plugins()).dump(2) + "\n";
    if (output->empty()) {
      std::cout << text;
    } else {
      std::ofstream out(*output, std::ios::binary | std::ios::trunc);
      out << text;
      out.close();
      if (!out) {
        std::cerr << "herald: error: cannot write " << *output << '\n';
        throw CommandFailed{1};
      }
    }
    exit_code = 0;
  });
}

}  // namespace herald::app
