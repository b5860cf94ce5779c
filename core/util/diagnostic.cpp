#include "util/diagnostic.hpp"

#include <algorithm>

namespace herald {

std::string formatDiagnostic(const Diagnostic& d) {
  std::string out = d.pos.file;
  if (d.pos.line > 0) {
    out += ':' + std::to_string(d.pos.line);
    if (d.pos.column > 0) out += ':' + std::to_string(d.pos.column);
  }
  if (!out.empty()) out += ": ";
  switch (d.severity) {
    case Severity::kError: out += "error: "; break;
    case Severity::kWarning: out += "warning: "; break;
    case Severity::kNote: out += "note: "; break;
  }
  out += d.message;
  return out;
}

void Diagnostics::error(SourcePos pos, std::string message) {
  items_.push_back({Severity::kError, std::move(pos), std::move(message)});
}

void Diagnostics::warning(SourcePos pos, std::string message) {
  items_.push_back({Severity::kWarning, std::move(pos), std::move(message)});
}

void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

bool Diagnostics::hasErrors() const { return errorCount() > 0; }

size_t Diagnostics::errorCount() const {
  return static_cast<size_t>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.severity == Severity::kError;
  }));
}

size_t Diagnostics::warningCount() const {
  return static_cast<size_t>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.severity == Severity::kWarning;
  }));
}

void Diagnostics::sort() {
  std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.pos.file != b.pos.file) return a.pos.file < b.pos.file;
    if (a.pos.line != b.pos.line) return a.pos.line < b.pos.line;
    return a.pos.column < b.pos.column;
  });
}

void Diagnostics::print(std::ostream& out) const {
  for (const auto& d : items_) out << formatDiagnostic(d) << '\n';
}

}  // namespace herald
