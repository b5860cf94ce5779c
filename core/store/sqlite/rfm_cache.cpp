#include "store/sqlite/rfm_cache.hpp"

#include <fmt/format.h>

#include "segment/time.hpp"

namespace herald::store::sqlite {

RfmCache::~RfmCache() {
  for (const auto& e : entries_) {
    try {
      db_.exec(("DROP TABLE IF EXISTS " + e.table).c_str());
    } catch (...) {
      // The connection closes next and takes its TEMP tables with it.
    }
  }
}

RfmTables RfmCache::tablesFor(const segment::EvalContext& ctx) {
  if (ctx.reuse_scope.empty()) return {};
  return [this, ctx](const segment::RfmOptions& options) -> std::optional<std::string> {
    // An explicit as_of is one instant; "now" is the evaluation's local day.
    const std::string as_of = options.as_of ? std::to_string(segment::resolve(*options.as_of, ctx))
                                            : "day " + segment::localDate(ctx);
    const std::string key = fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}", ctx.reuse_scope,
                                        ctx.timezone, options.event_type, options.amount_property,
                                        options.window ? options.window->text : "", as_of);
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->key != key) continue;
      // A rolled-back transaction takes a TEMP table made inside it along.
      if (!exists(it->table)) {
        entries_.erase(it);
        break;
      }
      entries_.splice(entries_.begin(), entries_, it);
      return entries_.front().table;
    }
    return fill(options, ctx, key);
  };
}

bool RfmCache::exists(const std::string& table) {
  auto q = db_.query("SELECT 1 FROM temp.sqlite_schema WHERE type = 'table' AND name = ?1");
  q.bindText(1, std::string_view(table).substr(std::string_view("temp.").size()));
  return q.step();
}

std::string RfmCache::fill(const segment::RfmOptions& options, const segment::EvalContext& ctx,
                           const std::string& key) {
  if (entries_.size() >= kMaxTables) {
    db_.exec(("DROP TABLE IF EXISTS " + entries_.back().table).c_str());
    entries_.pop_back();
  }
  const std::string table = fmt::format("herald_rfm_{}", next_table_++);
  db_.exec(fmt::format("CREATE TEMP TABLE {}(contact_id INTEGER PRIMARY KEY, r INTEGER, "
                       "f INTEGER, m INTEGER)",
                       table)
               .c_str());
  const CompiledRfm scores = compileRfmScores(options, ctx);
  Stmt insert(db_, "INSERT INTO temp." + table + " " + scores.select);
  Query q(insert);
  bindParams(q, scores.params, 1);
  q.run();
  ++computations_;
  entries_.push_front({key, "temp." + table});
  return entries_.front().table;
}

}  // namespace herald::store::sqlite
