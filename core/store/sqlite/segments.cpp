// TEMPORARY (lead): replaced by the segment compiler helper.
#include "store/sqlite/sqlite_store.hpp"

namespace herald::store::sqlite {
namespace {
[[noreturn]] void notYet() { throw StoreError("segments: not built yet"); }
}  // namespace
int64_t SqliteStore::segmentCount(const segment::Rule&, const segment::EvalContext&) { notYet(); }
std::vector<Contact> SqliteStore::segmentSample(const segment::Rule&, const segment::EvalContext&,
                                                int) {
  notYet();
}
std::vector<int64_t> SqliteStore::segmentMembers(const segment::Rule&,
                                                 const segment::EvalContext&) {
  notYet();
}
std::vector<bool> SqliteStore::segmentMatch(const segment::Rule&, const segment::EvalContext&,
                                            std::span<const int64_t>) {
  notYet();
}
SegmentPlan SqliteStore::explainSegment(const segment::Rule&, const segment::EvalContext&) {
  notYet();
}
std::vector<RfmScore> SqliteStore::rfmScores(const segment::RfmOptions&,
                                             const segment::EvalContext&) {
  notYet();
}
}  // namespace herald::store::sqlite
