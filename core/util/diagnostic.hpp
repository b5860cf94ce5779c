#pragma once
// Problems found in user input, with the place they were found. One type for
// every checker (workflow files, plugin configs, imports) so the CLI prints
// them the same way: FILE:LINE:COL: error: MESSAGE.
#include <ostream>
#include <string>
#include <vector>

namespace herald {

struct SourcePos {
  std::string file;  // path as the user gave it
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;    // 1-based; 0 when unknown
};

enum class Severity { kError, kWarning, kNote };

struct Diagnostic {
  Severity severity = Severity::kError;
  SourcePos pos;
  std::string message;
};

// "FILE:LINE:COL: error: MESSAGE" (LINE/COL left out when unknown).
std::string formatDiagnostic(const Diagnostic& d);

// Collects diagnostics; checkers append, callers print and decide.
class Diagnostics {
 public:
  void error(SourcePos pos, std::string message);
  void warning(SourcePos pos, std::string message);
  void add(Diagnostic d) { items_.push_back(std::move(d)); }
  void append(const Diagnostics& other);
  bool hasErrors() const;
  size_t errorCount() const;
  size_t warningCount() const;
  const std::vector<Diagnostic>& items() const { return items_; }
  // Sorted by file, line, column (stable for equal positions).
  void sort();
  void print(std::ostream& out) const;

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace herald
