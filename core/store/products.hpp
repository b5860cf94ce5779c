#pragma once
// Records of the product catalog (`herald products import`, docs/import.md
// "Products") and of the purchase history the recommender reads
// (core/recommend/). Included by store.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace herald::store {

struct Product {
  std::string id;  // the catalog's id, as purchase events name it ("P0056")
  std::optional<std::string> name;
  std::optional<std::string> url;    // http(s)
  std::optional<std::string> image;  // http(s)
  std::optional<double> price;
  std::optional<std::string> currency;
  std::optional<std::string> category;
  std::string attributes = "{}";  // JSON object text: every other column
  int64_t updated_ms = 0;
};

// Upsert of products inside one transaction: nothing is visible until
// commit(); destroying without commit() rolls everything back.
class ProductImport {
 public:
  virtual ~ProductImport() = default;
  // Insert, or update the product with the same id: fields without a value
  // (nullopt) keep the stored one, attributes are merged (new keys win, a
  // JSON null removes a key). Returns true when the product is new.
  virtual bool upsert(const Product& p) = 0;
  virtual void commit() = 0;
  virtual int64_t createdCount() const = 0;
  virtual int64_t updatedCount() const = 0;
};

// One purchase event, as the recommender reads it.
struct Purchase {
  int64_t contact_id = 0;
  int64_t at_ms = 0;
  // The product ids of the event: its "items" property (a list of ids, or
  // of objects with an "id" or "product_id"; numbers are read as their
  // decimal text), then its "product_id" property. May repeat an id.
  std::vector<std::string> items;
};

}  // namespace herald::store
