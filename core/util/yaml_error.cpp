#include "util/yaml_error.hpp"

#include <algorithm>
#include <optional>
#include <string_view>
#include <vector>

namespace herald {
namespace {

std::vector<std::string_view> splitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = text.find('\n', start);
    std::string_view line =
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return lines;
}

int indentOf(std::string_view line) {
  const size_t n = line.find_first_not_of(' ');
  return static_cast<int>(n == std::string_view::npos ? line.size() : n);
}

bool isContent(std::string_view line) {
  const size_t n = line.find_first_not_of(" \t");
  return n != std::string_view::npos && line[n] != '#';
}

std::string_view trim(std::string_view s) {
  const size_t a = s.find_first_not_of(" \t");
  if (a == std::string_view::npos) return {};
  const size_t b = s.find_last_not_of(" \t");
  return s.substr(a, b - a + 1);
}

// Where a quoted scalar starting at s[0] ends (the index of its closing
// quote), or npos when the line does not close it.
size_t closingQuote(std::string_view s) {
  const char q = s[0];
  for (size_t i = 1; i < s.size(); ++i) {
    if (q == '"' && s[i] == '\\') {
      ++i;
    } else if (s[i] == q) {
      if (q == '\'' && i + 1 < s.size() && s[i + 1] == '\'') {
        ++i;  // '' is one quote inside single quotes
        continue;
      }
      return i;
    }
  }
  return std::string_view::npos;
}

// One line as "key: value" (after its indentation and any "- " of a list
// item); `colon` false when the line has no key.
struct Entry {
  int column = 0;  // 0-based column of the key (or of the item's content)
  std::string key;
  std::string_view value;
  bool colon = false;
  bool list_item = false;
};

Entry entryOf(std::string_view line) {
  Entry e;
  size_t i = static_cast<size_t>(indentOf(line));
  while (i + 1 < line.size() && line[i] == '-' && line[i + 1] == ' ') {
    e.list_item = true;
    i = line.find_first_not_of(' ', i + 1);
    if (i == std::string_view::npos) return e;
  }
  if (i < line.size() && line[i] == '-' && i + 1 == line.size()) e.list_item = true;
  e.column = static_cast<int>(i);
  std::string_view rest = line.substr(std::min(i, line.size()));
  size_t from = 0;
  if (!rest.empty() && (rest[0] == '"' || rest[0] == '\'')) {
    const size_t close = closingQuote(rest);
    if (close == std::string_view::npos) {
      e.value = rest;
      return e;
    }
    from = close + 1;
  } else if (!rest.empty() && (rest[0] == '{' || rest[0] == '[')) {
    e.value = rest;
    return e;
  }
  for (size_t k = from; k < rest.size(); ++k) {
    if (rest[k] == '#' && k > 0 && rest[k - 1] == ' ') break;
    if (rest[k] == ':' && (k + 1 == rest.size() || rest[k + 1] == ' ')) {
      e.key = std::string(trim(rest.substr(0, k)));
      e.value = trim(rest.substr(k + 1));
      if (const size_t hash = e.value.find(" #"); hash != std::string_view::npos)
        e.value = trim(e.value.substr(0, hash));
      if (!e.value.empty() && e.value[0] == '#') e.value = {};
      e.colon = true;
      return e;
    }
  }
  e.value = trim(rest);
  return e;
}

bool isBlockIndicator(std::string_view value) {
  if (value.empty() || (value[0] != '|' && value[0] != '>')) return false;
  return value.find_first_not_of("|>-+0123456789", 1) == std::string_view::npos;
}

// What a walk through the text up to the error found: brackets still open,
// the last quoted scalar that ran over several lines, and for each line
// whether it is the text of a block scalar (| or >) and under which line.
struct Scan {
  struct Open {
    char bracket;
    int row, column;
    bool after_key = false;  // a quote right after "key:" or "- " (not a line's first text)
  };
  std::vector<Open> open;
  std::optional<Open> multiline_quote;  // where it opened; `closed_row` where it closed
  int closed_row = -1;
  std::optional<Open> open_quote;  // a quoted scalar still open where the walk stopped
  std::vector<int> block_owner;    // per row: the row of `key: |`, or -1
};

Scan scan(const std::vector<std::string_view>& lines, int last_row, int last_column) {
  Scan s;
  s.block_owner.assign(lines.size(), -1);
  int block_parent = -1;  // row of the `key: |` line whose text follows
  std::optional<Scan::Open> quote;
  for (int row = 0; row <= last_row && row < static_cast<int>(lines.size()); ++row) {
    const std::string_view line = lines[static_cast<size_t>(row)];
    if (block_parent >= 0 && !quote) {
      if (!isContent(line) || indentOf(line) > indentOf(lines[static_cast<size_t>(block_parent)])) {
        s.block_owner[static_cast<size_t>(row)] = block_parent;
        continue;
      }
      block_parent = -1;
    }
    const size_t end = row == last_row
                           ? std::min<size_t>(line.size(), static_cast<size_t>(last_column))
                           : line.size();
    bool value_start = true;  // a quote here opens a quoted scalar
    for (size_t i = 0; i < end; ++i) {
      const char c = line[i];
      if (quote) {
        if (quote->bracket == '"' && c == '\\') {
          ++i;
        } else if (c == quote->bracket) {
          if (c == '\'' && i + 1 < line.size() && line[i + 1] == '\'') {
            ++i;
            continue;
          }
          if (quote->row != row) {
            s.multiline_quote = quote;
            s.closed_row = row;
          }
          quote.reset();
          value_start = false;
        }
        continue;
      }
      if (c == ' ' || c == '\t') continue;
      if (c == '#' && (i == 0 || line[i - 1] == ' ')) break;
      if ((c == '"' || c == '\'') && value_start) {
        const size_t before = i == 0 ? std::string_view::npos : line.find_last_not_of(' ', i - 1);
        const bool after_key =
            before != std::string_view::npos && (line[before] == ':' || line[before] == '-');
        quote = Scan::Open{c, row, static_cast<int>(i), after_key};
        continue;
      }
      if (c == '[' || c == '{') {
        s.open.push_back({c, row, static_cast<int>(i)});
      } else if ((c == ']' || c == '}') && !s.open.empty()) {
        s.open.pop_back();
      }
      value_start = c == ':' || c == ',' || c == '[' || c == '{' || c == '-' || c == '?';
    }
    if (!quote && s.open.empty() && isBlockIndicator(entryOf(line).value)) block_parent = row;
  }
  s.open_quote = quote;
  return s;
}

// The nearest line above `row` with something on it, or -1.
int previousContent(const std::vector<std::string_view>& lines, int row) {
  for (int r = row - 1; r >= 0; --r)
    if (isContent(lines[static_cast<size_t>(r)])) return r;
  return -1;
}

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string spaces(int n) { return std::to_string(n) + (n == 1 ? " space" : " spaces"); }

class Explainer {
 public:
  Explainer(const std::string& file, const std::string& text, const YAML::ParserException& e)
      : file_(file), lines_(splitLines(text)), e_(e) {
    int line = e.mark.line, column = e.mark.column;
    if (line == 0 && column == 0 && e.mark.pos > 0 &&
        static_cast<size_t>(e.mark.pos) <= text.size()) {
      // At the end of the text yaml-cpp leaves line and column at 0 but
      // keeps the offset.
      const std::string_view before(text.data(), static_cast<size_t>(e.mark.pos));
      line = static_cast<int>(std::count(before.begin(), before.end(), '\n'));
      const size_t nl = before.rfind('\n');
      column =
          static_cast<int>(nl == std::string_view::npos ? before.size() : before.size() - nl - 1);
    }
    row_ = std::clamp(line, 0, static_cast<int>(lines_.size()) - 1);
    column_ = std::max(0, column);
    // A mark past the last line (the end of a text without a final newline)
    // stands at the end of that line.
    if (line > row_) column_ = static_cast<int>(lines_[static_cast<size_t>(row_)].size());
  }

  YamlSyntaxError explain() {
    if (auto d = tab()) return *d;
    const Scan s = scan(lines_, row_, column_);
    if (e_.msg == YAML::ErrorMsg::END_OF_MAP_FLOW || e_.msg == YAML::ErrorMsg::END_OF_SEQ_FLOW) {
      if (!s.open.empty()) {
        const auto& o = s.open.back();
        return at(o.row, o.column,
                  o.bracket == '[' ? "this '[' is never closed: end the list with ']'"
                                   : "this '{' is never closed: end the mapping with '}'");
      }
    }
    if (e_.msg == YAML::ErrorMsg::FLOW_END) {
      const std::string_view line = lines_[static_cast<size_t>(row_)];
      const char c = static_cast<size_t>(column_) < line.size() ? line[column_] : ']';
      if (!s.open.empty()) {
        const auto& o = s.open.back();
        return at(row_, column_,
                  std::string("this '") + c + "' comes before the '" + o.bracket +
                      "' opened at line " + std::to_string(o.row + 1) + ", column " +
                      std::to_string(o.column + 1) + " is closed: close that one first with '" +
                      (o.bracket == '[' ? ']' : '}') + "'");
      }
      return at(row_, column_,
                std::string("this '") + c +
                    "' closes nothing: remove it, or put the whole value in quotes if it is text");
    }
    if (s.multiline_quote && s.closed_row == row_) {
      const auto& q = *s.multiline_quote;
      return at(q.row, q.column,
                std::string("this ") + (q.bracket == '"' ? "double" : "single") +
                    " quote is not closed on its line, so YAML reads on to the next one (line " +
                    std::to_string(row_ + 1) + "): add the closing " + q.bracket +
                    " (for text over several lines, write KEY: | and the text indented below)");
    }
    if (auto d = textAfterQuote()) return *d;
    if (e_.msg == YAML::ErrorMsg::MAP_VALUE) {
      if (auto d = mapValue()) return *d;
    }
    if (e_.msg == YAML::ErrorMsg::END_OF_MAP || e_.msg == YAML::ErrorMsg::END_OF_SEQ) {
      if (auto d = indentation(s)) return *d;
    }
    return at(row_, column_,
              e_.msg + " (check this line's indentation and punctuation, and the line above)");
  }

 private:
  YamlSyntaxError at(int row, int column, const std::string& message) const {
    return {{file_, row + 1, column + 1}, message};
  }

  std::string_view line(int row) const { return lines_[static_cast<size_t>(row)]; }

  std::optional<YamlSyntaxError> tab() const {
    const int from = std::max(0, previousContent(lines_, row_));
    for (int r = from; r <= row_; ++r) {
      const std::string_view l = line(r);
      const size_t content = l.find_first_not_of(" \t");
      const size_t t = l.substr(0, content).find('\t');
      if (t != std::string_view::npos)
        return at(r, static_cast<int>(t),
                  "this line is indented with a tab; YAML indents with spaces only: replace "
                  "the tab with spaces");
    }
    return std::nullopt;
  }

  // `subject: "Hi" there`: text after a value's closing quote.
  std::optional<YamlSyntaxError> textAfterQuote() const {
    const Entry e = entryOf(line(row_));
    if (!e.colon || e.value.empty() || (e.value[0] != '"' && e.value[0] != '\'')) return {};
    const size_t close = closingQuote(e.value);
    if (close == std::string_view::npos) return {};
    const std::string_view after = trim(e.value.substr(close + 1));
    if (after.empty() || after[0] == '#') return {};
    const int col = static_cast<int>(after.data() - line(row_).data());
    return at(row_, col,
              "text after the closing quote of the value of " + quoted(e.key) +
                  ": put all of the value inside the quotes");
  }

  // "illegal map value": a key one line too deep, a key without its colon
  // on the line above, or a value with ': ' in it.
  std::optional<YamlSyntaxError> mapValue() const {
    const int prev = previousContent(lines_, row_);
    const Entry here = entryOf(line(row_));
    if (prev >= 0) {
      const Entry above = entryOf(line(prev));
      const std::string_view content = trim(line(prev));
      if (!above.colon && !above.list_item && content.front() != '{' && content.front() != '[') {
        std::string fix;
        if (const size_t sp = content.find(' '); sp != std::string_view::npos)
          fix = "write " + quoted(std::string(content.substr(0, sp)) + ": " +
                                  std::string(trim(content.substr(sp))));
        else
          fix = "write " + quoted(std::string(content) + ": VALUE");
        return at(prev, indentOf(line(prev)),
                  quoted(content) + " has no ':' after its key: " + fix);
      }
      if (indentOf(line(row_)) > indentOf(line(prev)) && above.colon && !above.value.empty() &&
          !isBlockIndicator(above.value)) {
        return at(row_, indentOf(line(row_)),
                  "this line is indented more than the key above it (" + quoted(above.key) +
                      ", line " + std::to_string(prev + 1) +
                      "), which already has its value on its own line: line it up with " +
                      quoted(above.key) + ", or remove the value after '" + above.key +
                      ":' to put this line under it");
      }
    }
    if (here.colon && column_ > here.column + static_cast<int>(here.key.size())) {
      return at(row_, column_,
                "the value of " + quoted(here.key) +
                    " has ': ' in it, which YAML reads as another key: put the value in quotes, "
                    "e.g. " +
                    here.key + ": \"" + std::string(here.value) + "\"");
    }
    return std::nullopt;
  }

  // "end of map/sequence not found": a line whose indentation lines it up
  // with nothing above it.
  std::optional<YamlSyntaxError> indentation(const Scan& s) const {
    const int here = indentOf(line(row_));
    const int prev = previousContent(lines_, row_);
    if (prev < 0) return std::nullopt;
    const int owner = s.block_owner[static_cast<size_t>(prev)];
    if (owner >= 0) {
      const Entry block = entryOf(line(owner));
      return at(row_, here,
                "this line is indented less than the text of " + quoted(block.key) + " (line " +
                    std::to_string(owner + 1) +
                    ", a block of text) but more than that key: indent it like the text above "
                    "to keep it in the block, or line it up with a key to start a new one");
    }
    // The keys this line could go on from: the line above and its parents.
    struct Parent {
      int row;
      int key_column;
      int dash_column;  // -1 when not a list item
      std::string key;
    };
    std::vector<Parent> parents;
    int limit = 1 << 30;
    for (int r = prev; r >= 0; --r) {
      if (!isContent(line(r)) || s.block_owner[static_cast<size_t>(r)] >= 0) continue;
      const Entry e = entryOf(line(r));
      const int ind = indentOf(line(r));
      if (ind >= limit && e.column >= limit) continue;
      parents.push_back({r, e.column, e.list_item ? ind : -1, e.key});
      limit = std::min(ind, e.column);
      if (limit == 0) break;
    }
    const bool item = entryOf(line(row_)).list_item;
    if (item) {
      for (const auto& p : parents)
        if (p.dash_column >= 0 && p.dash_column != here)
          return at(row_, here,
                    "this list item is indented " + spaces(here) +
                        ", unlike the item above it (line " + std::to_string(p.row + 1) +
                        "): indent its '-' " + spaces(p.dash_column) + " like that one's");
    }
    for (const auto& p : parents)
      if (p.key_column == here || p.dash_column == here) {
        // Lined up with a key or a list's '-'; a dash where a key is
        // expected (or the other way round) is what went wrong.
        if (p.dash_column == here && !item && !p.key.empty())
          return at(row_, here,
                    "this line is indented like the '-' of the list item above (line " +
                        std::to_string(p.row + 1) + "), not like its keys: indent it " +
                        spaces(p.key_column) + " to line up with " + quoted(p.key));
        return std::nullopt;
      }
    std::string options;
    std::vector<int> offered;
    for (size_t i = 0; i < parents.size() && offered.size() < 3; ++i) {
      const auto& p = parents[i];
      if (p.key.empty() || std::find(offered.begin(), offered.end(), p.key_column) != offered.end())
        continue;
      offered.push_back(p.key_column);
      options += std::string(options.empty() ? "" : ", or ") + spaces(p.key_column) +
                 " to line up with " + quoted(p.key) + " (line " + std::to_string(p.row + 1) + ")";
    }
    return at(row_, here,
              "this line is indented " + spaces(here) + ", which lines it up with no key above it" +
                  (options.empty() ? std::string() : ": use " + options));
  }

  const std::string& file_;
  std::vector<std::string_view> lines_;
  const YAML::ParserException& e_;
  int row_ = 0;
  int column_ = 0;
};

}  // namespace

std::optional<YamlSyntaxError> unclosedQuote(const std::string& file, const std::string& text) {
  const auto lines = splitLines(text);
  const int last = static_cast<int>(lines.size()) - 1;
  const Scan s = scan(lines, last, static_cast<int>(lines.back().size()));
  // A line that starts with a quote may go on a plain text of the line
  // above (valid YAML): only a value's opening quote is reported.
  if (!s.open_quote || !s.open_quote->after_key) return std::nullopt;
  const auto& q = *s.open_quote;
  return YamlSyntaxError{{file, q.row + 1, q.column + 1},
                         std::string("this ") + (q.bracket == '"' ? "double" : "single") +
                             " quote is never closed: the rest of the file became its text; add "
                             "the closing " +
                             q.bracket};
}

YamlSyntaxError explainYamlError(const std::string& file, const std::string& text,
                                 const YAML::ParserException& e) {
  return Explainer(file, text, e).explain();
}

}  // namespace herald
