#pragma once
// The one read of the purchase history the recommender's model is built
// from (SqliteStore::forEachPurchase), shared with bench/recommend_bench.cpp
// so that its reference scan is the very same statement.
namespace herald::store::sqlite {

// Columns: contact_id, at_ms, the "items" and "product_id" properties as
// JSON text (NULL when absent). The events_by_type_contact index answers
// `type = 'purchase'` in contact order, so there is no sort.
extern const char* const kPurchaseScanSql;

}  // namespace herald::store::sqlite
