#pragma once
// The SQLite segment compiler: a segment::Rule and the moment it is
// evaluated become ONE boolean SQL expression over `contacts c` (plus the
// common table expressions RFM needs), with every value of the rule bound as
// a numbered parameter. Only schema names reach the SQL text: attribute and
// property names after checking they are [A-Za-z_][A-Za-z0-9_]*.
//
// Speed: in the top-level `all:` one predicate that can name its contacts
// from an index (a tag, events of a type in a recent window, RFM) is chosen
// to drive the query as `c.id IN (SELECT ...)`; the others are then written
// as correlated lookups that cost one index seek per candidate contact (tags
// by contact_tags' key, events by events_by_contact, consent by the consents
// key). With no such predicate, subqueries are written as sets built once
// (`c.id IN (SELECT ...)`) and probed while scanning the contacts.
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "segment/rule.hpp"
#include "store/sqlite/db.hpp"

namespace herald::store::sqlite {

struct CompiledRule {
  std::string with;                    // "WITH name AS (...), ... " (ends with a space), or ""
  std::string where;                   // a condition on `contacts c`; erased contacts never pass it
  std::vector<nlohmann::json> params;  // the values of ?first_param, ?first_param+1, ...
  int first_param = 1;
  // The number of the next free parameter after these.
  int nextParam() const { return first_param + static_cast<int>(params.size()); }
};

// Where the RFM scores for some options already are: a table
// (contact_id INTEGER PRIMARY KEY, r, f, m) made with compileRfmScores(), or
// nullopt to compute them in the statement (a CTE).
using RfmTables = std::function<std::optional<std::string>(const segment::RfmOptions&)>;

enum class Drive {
  kAuto,      // pick the predicate that drives the query (segment queries, enrolment)
  kGivenIds,  // the caller restricts c.id to a short list: every test is a correlated lookup
};

// Throws StoreError for a rule the compiler cannot run (an invalid name, an
// unknown field, channel or RFM segment, a value of the wrong type); the
// parser's validation makes those internal errors.
CompiledRule compileRule(const segment::Rule& rule, const segment::EvalContext& ctx,
                         int first_param = 1, Drive drive = Drive::kAuto,
                         const RfmTables& rfm_tables = {});

// Everyone a segment may hold: the contacts that are not erased.
CompiledRule compileEveryone(int first_param = 1);

// The RFM figures of every (not erased) contact with a purchase up to
// as_of: a statement returning contact_id, last_ms, purchases, amount in
// contact id order. rfmScores() ranks them in C++ (three sorts of a vector
// are much faster than SQLite's three NTILE windows); a rule's `rfm:` ranks
// the same rows with NTILE(5) in SQL, ties broken by contact id both ways.
struct CompiledRfm {
  std::string select;
  std::vector<nlohmann::json> params;  // ?1, ?2, ...
};
CompiledRfm compileRfmAggregate(const segment::RfmOptions& options,
                                const segment::EvalContext& ctx);
// The scores a rule's `rfm:` tests: a statement returning contact_id, r, f,
// m (the same NTILE(5) ranking), to fill an RfmTables table.
CompiledRfm compileRfmScores(const segment::RfmOptions& options, const segment::EvalContext& ctx);

// Binds `params` as ?first, ?first+1, ... Strings are bound without copying:
// `params` must outlive the query's stepping.
void bindParams(Query& q, const std::vector<nlohmann::json>& params, int first);
inline void bindParams(Query& q, const CompiledRule& c) { bindParams(q, c.params, c.first_param); }

}  // namespace herald::store::sqlite
