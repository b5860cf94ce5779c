// How many of an audience's contacts have a field a template outputs empty:
// `validate` warns about variables with no default that would render as
// nothing for part of the audience.
#include <fmt/format.h>

#include "store/sqlite/segment_sql.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace herald::store::sqlite {
namespace {

bool isName(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

// The SQL expression for `field` on `contacts c`, or "" when it is not one.
// Only checked names reach the SQL text.
std::string fieldExpr(const std::string& field) {
  static const char* const kColumns[] = {"external_id", "email",    "phone", "first_name",
                                         "last_name",   "timezone", "locale"};
  for (const char* col : kColumns)
    if (field == col) return std::string("c.") + col;
  const std::string prefix = "attributes.";
  if (field.rfind(prefix, 0) != 0) return "";
  std::string path = "$";
  size_t start = prefix.size();
  while (start <= field.size()) {
    size_t dot = field.find('.', start);
    if (dot == std::string::npos) dot = field.size();
    const std::string name = field.substr(start, dot - start);
    if (!isName(name)) return "";
    path += "." + name;
    start = dot + 1;
  }
  return "json_extract(c.attributes, '" + path + "')";
}

}  // namespace

std::optional<Store::EmptyCount> SqliteStore::countEmptyField(const segment::Rule* rule,
                                                              const std::string& field,
                                                              const segment::EvalContext& ctx) {
  const std::string expr = fieldExpr(field);
  if (expr.empty()) return std::nullopt;
  const CompiledRule c = rule ? compileRule(*rule, ctx) : compileEveryone();
  std::string sql = c.with;
  sql += fmt::format(
      "SELECT count(*), coalesce(sum(CASE WHEN v IS NULL OR v = '' THEN 1 ELSE 0 END), 0) FROM "
      "(SELECT {} AS v FROM contacts c WHERE {})",
      expr, c.where);
  auto q = db_.query(sql);
  bindParams(q, c);
  q.step();
  return EmptyCount{q.colInt(1), q.colInt(0)};
}

}  // namespace herald::store::sqlite
