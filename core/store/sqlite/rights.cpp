// TEMPORARY (lead): replaced by the contact-rights helper.
#include "store/sqlite/sqlite_store.hpp"

namespace herald::store::sqlite {
namespace {
[[noreturn]] void notYet() { throw StoreError("rights: not built yet"); }
}  // namespace
std::optional<nlohmann::json> SqliteStore::exportContact(int64_t) { notYet(); }
std::optional<ErasureReport> SqliteStore::eraseContact(int64_t, const std::vector<std::string>&,
                                                       int64_t) {
  notYet();
}
Suppression SqliteStore::suppressAddress(const std::string&, const std::string&,
                                         const std::string&, int64_t) {
  notYet();
}
bool SqliteStore::isSuppressed(const std::string&, const std::string&) { notYet(); }
}  // namespace herald::store::sqlite
