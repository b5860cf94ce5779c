// libFuzzer target for what an import reads before anything is stored: the
// JSON Lines reader, the JSON nesting check that runs before a line is
// parsed, and the value parsers of core/import/values.* (issue #10).
//
// The input is a JSON Lines file. Each line goes through the nesting check
// and, when it passes, nlohmann's parser and writer (the writer is what a
// line nested 60,000 levels deep overflowed the stack in); and each line is
// a cell for every value parser. Besides the sanitizers, the target checks
// their promises: what passes the nesting check nests no deeper than the
// limit; a normalised email, phone or locale normalises to itself; a
// timestamp written out reads back as the same second.
//
// Built with libFuzzer by the fuzz preset (fuzz_import_values); other builds
// replay the seed corpus once (fuzz_import_values_corpus).
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "import/jsonl_reader.hpp"
#include "import/values.hpp"
#include "util/json_nesting.hpp"

namespace {

using namespace herald::import;

[[noreturn]] void broken(const char* promise, std::string_view detail) {
  std::fprintf(stderr, "import_values_fuzz: broken promise: %s: %.*s\n", promise,
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// The deepest nesting of a parsed value, without recursion.
int depthOf(const nlohmann::json& root) {
  int deepest = 0;
  std::vector<std::pair<const nlohmann::json*, int>> todo{{&root, 1}};
  while (!todo.empty()) {
    auto [j, d] = todo.back();
    todo.pop_back();
    if (!j->is_structured()) continue;
    deepest = std::max(deepest, d);
    for (const auto& child : *j) todo.emplace_back(&child, d + 1);
  }
  return deepest;
}

void jsonLine(std::string_view line) {
  if (herald::findJsonTooDeep(line) != std::string_view::npos) return;
  const auto parsed = nlohmann::json::parse(line, nullptr, false);
  if (parsed.is_discarded()) return;
  if (depthOf(parsed) > herald::kMaxJsonNesting) broken("nesting check", line);
  const std::string text = parsed.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.empty()) broken("dump writes something", line);
}

void cell(std::string_view raw) {
  const std::string_view text = trim(raw);
  (void)isValidUtf8(text);
  std::string out, again;
  if (normalizeEmail(text, out)) {
    if (!normalizeEmail(out, again) || again != out) broken("email normalises to itself", text);
  }
  if (normalizePhone(text, out)) {
    if (!normalizePhone(out, again) || again != out) broken("phone normalises to itself", text);
  }
  if (auto locale = normalizeLocale(text)) {
    auto twice = normalizeLocale(*locale);
    if (!twice || *twice != *locale) broken("locale normalises to itself", text);
  }
  (void)parseNumber(text);
  (void)parseBoolean(text);
  (void)parseConsent(text);
  if (auto t = parseTimestamp(text)) {
    const std::string written = formatTimestamp(*t);
    // Years before 1 or after 9999 cannot be written back in four digits.
    if (auto back = parseTimestamp(written)) {
      const int64_t second = t->unix_ms >= 0 ? t->unix_ms / 1000 : (t->unix_ms - 999) / 1000;
      if (back->unix_ms != second * 1000 || back->has_time != t->has_time)
        broken("a timestamp reads back as the same second", text);
    }
  }
  std::vector<std::string> items;
  splitList(text, items);
  for (const auto& item : items) {
    if (item.empty()) broken("list items are not empty", text);
  }
  (void)editDistance(text.substr(0, 64), "Europe/Paris");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The reader reads a file descriptor, as the importer gives it.
  const int fd = ::memfd_create("jsonl", MFD_CLOEXEC);
  if (fd < 0) return 0;
  if (size > 0 && ::write(fd, data, size) != static_cast<ssize_t>(size)) {
    ::close(fd);
    return 0;
  }
  ::lseek(fd, 0, SEEK_SET);
  {
    JsonLinesReader reader(fd);
    std::string_view line;
    int64_t number = 0;
    int64_t last = 0;
    while (reader.next(line, number) == JsonLinesReader::Status::kLine) {
      if (number <= last) broken("line numbers increase", line);
      last = number;
      jsonLine(line);
      cell(line);
    }
  }
  ::close(fd);
  return 0;
}
