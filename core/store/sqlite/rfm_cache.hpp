#pragma once
// RFM scores kept for reuse: a segment step asks the store once per batch
// whether its contacts match, and a rule's `rfm:` ranks every purchaser
// (about 0.6 s at 1M contacts). With EvalContext::reuse_scope set (the
// run's id) the scores are computed once per (scope, RFM options, local
// date of the evaluation) into a TEMP table and later batches look their
// contacts up in it by primary key. Scores are as of the first evaluation of
// that day; a new day (or another run) computes them again.
#include <cstdint>
#include <list>
#include <string>

#include "segment/rule.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/segment_sql.hpp"

namespace herald::store::sqlite {

class RfmCache {
 public:
  explicit RfmCache(Db& db) : db_(db) {}
  ~RfmCache();
  RfmCache(const RfmCache&) = delete;
  RfmCache& operator=(const RfmCache&) = delete;

  // The tables to compile `ctx`'s evaluation with (empty without a scope):
  // it fills a table on the first request for a key.
  RfmTables tablesFor(const segment::EvalContext& ctx);

  // How many times scores were computed into a table (tests, benchmarks).
  int64_t computations() const { return computations_; }

 private:
  struct Entry {
    std::string key;
    std::string table;
  };
  bool exists(const std::string& table);
  std::string fill(const segment::RfmOptions& options, const segment::EvalContext& ctx,
                   const std::string& key);

  static constexpr size_t kMaxTables = 8;  // a few runs at a time, each a few rules
  Db& db_;
  std::list<Entry> entries_;  // most recently used first
  int64_t computations_ = 0;
  int64_t next_table_ = 1;
};

}  // namespace herald::store::sqlite
