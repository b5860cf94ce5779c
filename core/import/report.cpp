#include "import/report.hpp"

#include <fmt/format.h>

namespace herald::import {
namespace {

std::string plural(int64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string stored(const ImportReport& r, What what) {
  if (what == What::kContacts) {
    return fmt::format("{} ({} new, {} updated)", plural(r.stored, "contact", "contacts"),
                       r.created, r.updated);
  }
  if (what == What::kProducts) {
    return fmt::format("{} ({} new, {} updated)", plural(r.stored, "product", "products"),
                       r.created, r.updated);
  }
  std::string s = plural(r.stored - r.duplicates, "event", "events");
  if (r.duplicates > 0) {
    s += fmt::format(" ({} already imported earlier, same event_id, left alone)", r.duplicates);
  }
  return s;
}

}  // namespace

std::string formatSeconds(double s) {
  return s >= 0.1 ? fmt::format("{:.1f} s", s) : fmt::format("{:.2f} s", s);
}

int printReport(const ImportReport& r, const ImportOptions& options, What what, std::ostream& out,
                std::ostream& err) {
  const bool skipping = options.skip_invalid && !r.fatal;
  for (auto d : r.problems.items()) {
    if (skipping && d.severity == Severity::kError) {
      d.severity = Severity::kWarning;
      d.message = "row skipped: " + d.message;
    }
    err << formatDiagnostic(d) << '\n';
  }
  if (r.unlisted > 0) {
    err << fmt::format("… and {} more {}\n", r.unlisted, r.unlisted == 1 ? "problem" : "problems");
  }
  const std::string file = options.path == "-" ? "<stdin>" : options.path;
  if (r.fatal) {
    err << file << ": nothing was imported\n";
    return 1;
  }
  if (r.invalid_rows > 0 && !options.skip_invalid) {
    int64_t good = r.rows - r.invalid_rows;
    err << fmt::format(
        "{}: {} of {}; nothing was imported. Fix {}, or run again with --skip-invalid to import "
        "the {}.\n",
        file, plural(r.invalid_rows, "invalid row", "invalid rows"), plural(r.rows, "row", "rows"),
        r.invalid_rows == 1 ? "it" : "them", plural(good, "valid row", "valid rows"));
    return 1;
  }
  std::string skipped;
  if (r.invalid_rows > 0) {
    skipped = fmt::format("; skipped {} (listed above)",
                          plural(r.invalid_rows, "invalid row", "invalid rows"));
  }
  if (r.suppressed > 0) {
    skipped += fmt::format("; {} skipped: address on the suppression list (erased or suppressed)",
                           plural(r.suppressed, "row", "rows"));
  }
  if (options.dry_run) {
    out << fmt::format("checked {} in {}{}: nothing was written (--dry-run)\n", stored(r, what),
                       formatSeconds(r.seconds), skipped);
  } else {
    out << fmt::format("imported {} in {}{}\n", stored(r, what), formatSeconds(r.seconds), skipped);
  }
  return 0;
}

}  // namespace herald::import
