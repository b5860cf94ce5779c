#pragma once
// The SQL pieces of enrolment with re-entry rules, shared by enrolment.cpp
// (contacts one by one) and triggers.cpp (a schedule firing's audience).
#include "store/records.hpp"
#include "store/sqlite/db.hpp"

namespace herald::store::sqlite {

// 0 once, 1 once_per, 2 always: the value of ?4 in kReentryTest.
int reentryCode(const Reentry& r);
// "INSERT INTO journeys ... SELECT ... FROM contacts c JOIN runs r ON r.id = ?1 "
// as a fmt format string: {context} is the context expression.
extern const char* const kEntryColumns;
// " AND ...": the re-entry rule and no suppressed or erased contact.
extern const char* const kReentryTest;
// Marks the run enrolled with `n` more journeys (and open again).
void noteEnrolled(Db& db, int64_t run_id, int64_t n, int64_t now_ms);

}  // namespace herald::store::sqlite
