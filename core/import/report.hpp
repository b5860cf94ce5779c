#pragma once
// How `herald contacts import` and `herald events import` tell the user what
// happened: the problems (errors, or warnings for skipped rows), then one
// summary line. Returns the exit code: 0 when the store got the file's good
// rows, 1 when nothing was imported because of problems in the file.
#include <ostream>
#include <string_view>

#include "import/importer.hpp"

namespace herald::import {

enum class What { kContacts, kEvents, kProducts };

int printReport(const ImportReport& report, const ImportOptions& options, What what,
                std::ostream& out, std::ostream& err);

// "4.1 s", "0.06 s"
std::string formatSeconds(double s);

}  // namespace herald::import
