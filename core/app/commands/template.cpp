// TEMPORARY STUB (lead): the `herald template` command is being written.
#include "app/command.hpp"

namespace herald::app {

void addTemplateCommand(CLI::App&, AppContext&, int&) {}

}  // namespace herald::app
