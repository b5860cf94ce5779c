#pragma once
// Helpers shared by the workflow tests.
#include <string>
#include <vector>

#include "util/diagnostic.hpp"

namespace herald::workflow::testing {

// Every diagnostic as "LINE:COL: error: MESSAGE" (file left out).
inline std::vector<std::string> lines(Diagnostics diags) {
  diags.sort();
  std::vector<std::string> out;
  for (auto d : diags.items()) {
    d.pos.file.clear();
    std::string s = formatDiagnostic(d);
    // With the file left out the text starts with ':' (or is bare when there is no position).
    out.push_back(d.pos.line > 0 ? s.substr(1) : "0:0: " + s);
  }
  return out;
}

}  // namespace herald::workflow::testing
