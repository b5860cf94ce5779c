#pragma once
// "Customers who bought this also bought": item-to-item co-occurrence over
// the store's purchase events, top-N products per contact that the contact
// has not bought, best sellers for a contact with none. Built once per run
// on first use (the model over all purchases), then answered from memory
// for every batch of the run. The normalisation is documented in
// docs/workflows.md, "Recommendations" (and in recommend/model.hpp).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace herald::store {
class Store;
}

namespace herald::recommend {

class Model;  // recommend/model.hpp

class Recommender {
 public:
  // Reads nothing yet; the model is built from `store` on the first call.
  explicit Recommender(store::Store& store);
  ~Recommender();
  Recommender(const Recommender&) = delete;
  Recommender& operator=(const Recommender&) = delete;

  // For each of `contact_ids`, a JSON array of up to `count` product
  // objects, best first: {"id", "name", "url", "image", "price",
  // "currency", "score", "reason": "also-bought" | "best-seller"} (catalog
  // fields from `herald products import`; only catalog products are
  // recommended when a catalog exists). Thread-safe; the first call builds
  // the model (throws std::runtime_error when the store fails).
  std::vector<nlohmann::json> forContacts(const std::vector<int64_t>& contact_ids, size_t count);
  // The same answers as one JSON text (an array with one array per
  // contact), written straight from each product's JSON text made once per
  // run: what host->recommend() hands a plugin, without building a JSON
  // object per product per contact.
  std::string forContactsText(const std::vector<int64_t>& contact_ids, size_t count);

  // The model itself (built on first use, like forContacts), for callers
  // that explain a recommendation (`herald recommend`) or time it.
  const Model& model();

 private:
  struct Cache;  // the model and each product's JSON text
  store::Store& store_;
  std::mutex mu_;
  std::unique_ptr<const Cache> cache_;
};

}  // namespace herald::recommend
