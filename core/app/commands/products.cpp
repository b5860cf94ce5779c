// TEMPORARY STUB (lead): the `herald products` command is being written.
#include "app/command.hpp"

namespace herald::app {

void addProductsCommand(CLI::App&, AppContext&, int&) {}

}  // namespace herald::app
