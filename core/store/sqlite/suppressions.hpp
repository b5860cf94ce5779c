#pragma once
// The suppression list inside the SQLite backend (rights.cpp): the
// database's salt and the stored hashes, for the contact importer.
#include <string>
#include <unordered_set>

#include "store/sqlite/db.hpp"

namespace herald::store::sqlite {

// The database's salt (meta 'suppression_salt', made by migration v2).
std::string suppressionSalt(Db& db);
// Every stored hash (they are keyed by kind, so one set serves both kinds).
// Empty for an empty list, which costs one indexed probe.
std::unordered_set<std::string> suppressionHashes(Db& db);

}  // namespace herald::store::sqlite
