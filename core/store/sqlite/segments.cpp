// Segment queries: every method runs the one statement the rule compiles to
// (segment_sql.hpp), with the rule's values bound as parameters.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <unordered_set>

#include "store/sqlite/segment_sql.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace herald::store::sqlite {
namespace {

std::string selectSql(const CompiledRule& c, std::string_view columns, std::string_view tail) {
  std::string sql = c.with;
  sql += "SELECT ";
  sql += columns;
  sql += " FROM contacts c WHERE ";
  sql += c.where;
  sql += tail;
  return sql;
}

}  // namespace

int64_t SqliteStore::segmentCount(const segment::Rule& rule, const segment::EvalContext& ctx) {
  const CompiledRule c = compileRule(rule, ctx);
  auto q = db_.query(selectSql(c, "count(*)", ""));
  bindParams(q, c);
  q.step();
  return q.colInt(0);
}

std::vector<Contact> SqliteStore::segmentSample(const segment::Rule& rule,
                                                const segment::EvalContext& ctx, int limit) {
  const CompiledRule c = compileRule(rule, ctx);
  auto q = db_.query(
      selectSql(c, kContactColumns, fmt::format(" ORDER BY c.id LIMIT ?{}", c.nextParam())));
  bindParams(q, c);
  q.bindInt(c.nextParam(), std::max(limit, 0));
  std::vector<Contact> out;
  while (q.step()) out.push_back(readContact(q, 0));
  return out;
}

void SqliteStore::segmentEach(const segment::Rule& rule, const segment::EvalContext& ctx,
                              const std::function<void(const Contact&)>& each) {
  const CompiledRule c = compileRule(rule, ctx);
  // Its own statement, not the cache's: `each` may take long, and the
  // statement is finalized (its snapshot ended) on the way out.
  Stmt stmt(db_, selectSql(c, kContactColumns, " ORDER BY c.id"));
  Query q(stmt);
  bindParams(q, c);
  while (q.step()) each(readContact(q, 0));
}

std::vector<int64_t> SqliteStore::segmentMembers(const segment::Rule& rule,
                                                 const segment::EvalContext& ctx) {
  const CompiledRule c = compileRule(rule, ctx);
  auto q = db_.query(selectSql(c, "c.id", " ORDER BY c.id"));
  bindParams(q, c);
  std::vector<int64_t> out;
  while (q.step()) out.push_back(q.colInt(0));
  return out;
}

std::vector<bool> SqliteStore::segmentMatch(const segment::Rule& rule,
                                            const segment::EvalContext& ctx,
                                            std::span<const int64_t> contact_ids) {
  std::vector<bool> out(contact_ids.size(), false);
  if (contact_ids.empty()) return out;
  // The ids drive the query (?1, a JSON array); every test is a lookup per id.
  const CompiledRule c = compileRule(rule, ctx, 2, Drive::kGivenIds, rfm_cache_.tablesFor(ctx));
  std::string ids = "[";
  for (size_t i = 0; i < contact_ids.size(); ++i) {
    if (i) ids += ',';
    ids += std::to_string(contact_ids[i]);
  }
  ids += ']';
  std::string sql = c.with;
  sql += "SELECT c.id FROM contacts c WHERE c.id IN (SELECT value FROM json_each(?1)) AND ";
  sql += c.where;
  auto q = db_.query(sql);
  q.bindText(1, ids);
  bindParams(q, c);
  std::unordered_set<int64_t> matched;
  while (q.step()) matched.insert(q.colInt(0));
  for (size_t i = 0; i < contact_ids.size(); ++i) out[i] = matched.count(contact_ids[i]) > 0;
  return out;
}

SegmentPlan SqliteStore::explainSegment(const segment::Rule& rule,
                                        const segment::EvalContext& ctx) {
  const CompiledRule c = compileRule(rule, ctx);
  SegmentPlan plan;
  plan.sql = selectSql(c, "c.id", " ORDER BY c.id");
  for (const auto& p : c.params) plan.params.push_back(p);
  // EXPLAIN QUERY PLAN rows: id, parent, notused, detail; a step's depth is
  // its parent's plus one.
  Stmt stmt(db_, "EXPLAIN QUERY PLAN " + plan.sql);
  Query q(stmt);
  bindParams(q, c);
  std::map<int64_t, int> depth;
  while (q.step()) {
    const int64_t id = q.colInt(0);
    const int64_t parent = q.colInt(1);
    const auto it = depth.find(parent);
    const int d = it == depth.end() ? 0 : it->second + 1;
    depth[id] = d;
    plan.plan.push_back(std::string(static_cast<size_t>(d) * 2, ' ') + q.colText(3));
  }
  return plan;
}

std::vector<RfmScore> SqliteStore::rfmScores(const segment::RfmOptions& options,
                                             const segment::EvalContext& ctx) {
  const CompiledRfm c = compileRfmAggregate(options, ctx);
  std::vector<RfmScore> out;
  {
    auto q = db_.query(c.select);
    bindParams(q, c.params, 1);
    while (q.step()) {
      RfmScore s;
      s.contact_id = q.colInt(0);
      s.last_ms = q.colInt(1);
      s.purchases = q.colInt(2);
      s.amount_units = q.colInt(3);
      s.external_id = q.colOptText(4);
      out.push_back(std::move(s));
    }
  }
  // NTILE(5) as SQLite computes it for a rule's `rfm:` (segment_sql.cpp):
  // rows ranked by value, then external_id (none first, then in byte
  // order, as SQLite's ORDER BY), then contact id; of N rows the first
  // N % 5 groups get one row more; the highest group scores 5.
  const size_t n = out.size();
  std::vector<size_t> order(n);
  auto rank = [&](auto key, int RfmScore::*score) {
    for (size_t i = 0; i < n; ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      const auto ka = key(out[a]);
      const auto kb = key(out[b]);
      if (ka != kb) return ka < kb;
      if (out[a].external_id != out[b].external_id) return out[a].external_id < out[b].external_id;
      return out[a].contact_id < out[b].contact_id;
    });
    const size_t q = n / 5;
    const size_t big = n % 5;  // groups with q + 1 rows
    for (size_t p = 0; p < n; ++p) {
      const size_t group = p < big * (q + 1) ? p / (q + 1) : big + (p - big * (q + 1)) / q;
      out[order[p]].*score = static_cast<int>(group) + 1;
    }
  };
  rank([](const RfmScore& s) { return s.last_ms; }, &RfmScore::recency);
  rank([](const RfmScore& s) { return s.purchases; }, &RfmScore::frequency);
  rank([](const RfmScore& s) { return s.amount_units; }, &RfmScore::monetary);
  for (auto& s : out) s.segment = segment::rfmSegmentOf(s.recency, s.frequency, s.monetary);
  return out;
}

}  // namespace herald::store::sqlite
