// TEMPORARY STUB (lead): the `herald recommend` command is being written.
#include "app/command.hpp"

namespace herald::app {

void addRecommendCommand(CLI::App&, AppContext&, int&) {}

}  // namespace herald::app
