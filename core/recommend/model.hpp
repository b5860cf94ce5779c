#pragma once
// The recommendation model: item-to-item co-occurrence over purchase
// baskets, normalised by cosine, and best sellers for the fallback.
//
//   basket(c)  = the distinct products of all purchases of contact c
//   N_i        = customers whose basket holds i
//   C(i, j)    = customers whose basket holds both i and j
//   sim(i, j)  = C(i, j) / sqrt(N_i * N_j)
//   score_c(j) = sum over i in basket(c) of sim(i, j), for j not in basket(c)
//
// Raw counts C(i, j) would recommend the best sellers to everyone (they
// co-occur with everything); dividing by sqrt(N_i * N_j) asks instead how
// much more often i and j are bought together than their popularity
// explains (the item-to-item approach of Amazon's 2003 paper, also used by
// most open recommenders). No damping: with tiny counts a pair bought by
// one customer scores 1.0, which only matters on tiny catalogs.
//
// Each product keeps its top kNeighbours neighbours. Everything lives in
// flat vectors indexed by a dense item index; contacts' baskets are one
// CSR structure (contact ids sorted, offsets, item indexes).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "store/products.hpp"

namespace herald::store {
class Store;
}

namespace herald::recommend {

struct ModelOptions {
  size_t neighbours = 50;  // kept per product
  // Best sellers: customers in this window before the newest purchase.
  int64_t best_seller_window_ms = int64_t{90} * 24 * 3600 * 1000;
  unsigned threads = 0;  // 0: hardware concurrency
};

struct Recommendation {
  uint32_t item = 0;
  double score = 0;          // rounded to 4 decimals
  bool also_bought = false;  // else a best seller
};

struct ModelStats {
  int64_t purchases = 0;
  int64_t customers = 0;  // contacts with at least one product bought
  int64_t products = 0;   // distinct products in purchases and catalog
  int64_t catalog = 0;    // products in the catalog
  double read_seconds = 0;
  double build_seconds = 0;  // everything after the read
};

class Model {
 public:
  // Reads the catalog and every purchase from `store` and builds the model.
  // Throws store::StoreError when the store fails.
  static Model build(store::Store& store, const ModelOptions& options = {});

  // Working memory of one thread answering (see recommend()).
  struct Scratch {
    std::vector<double> score;
    std::vector<uint32_t> mark;  // == stamp: in the basket
    std::vector<uint32_t> touched;
    uint32_t stamp = 0;
  };

  // The top `count` products for the contact, best first: also-bought by
  // score (rounded), ties by popularity then id; then best sellers the
  // contact has not bought. Only catalog products when the catalog is not
  // empty. Safe to call from several threads, each with its own scratch.
  void recommend(int64_t contact_id, size_t count, Scratch& scratch,
                 std::vector<Recommendation>& out) const;

  // The contact's basket (item indexes, ascending by product id).
  std::span<const uint32_t> basket(int64_t contact_id) const;
  // The item of `basket` most similar to `item` (for "bought with"); -1 when none.
  int64_t strongestLink(std::span<const uint32_t> basket, uint32_t item) const;
  double similarity(uint32_t a, uint32_t b) const;

  size_t itemCount() const { return ids_.size(); }
  const std::string& id(uint32_t item) const { return ids_[item]; }
  // nullptr when the product is not in the catalog.
  const store::Product* product(uint32_t item) const;
  uint32_t customers(uint32_t item) const { return customers_[item]; }
  const ModelStats& stats() const { return stats_; }
  const std::vector<uint32_t>& bestSellers() const { return best_; }

 private:
  struct Neighbour {
    uint32_t item;
    double sim;
  };
  void buildNeighbours(const ModelOptions& options);
  bool better(uint32_t a, double sa, uint32_t b, double sb) const;

  // Items: index -> product id (sorted), catalog entry, customers.
  std::vector<std::string> ids_;
  std::vector<int32_t> catalog_index_;  // into catalog_, -1 when absent
  std::vector<store::Product> catalog_;
  std::vector<uint32_t> customers_;
  std::vector<uint32_t> recent_;  // customers in the best-seller window
  bool has_catalog_ = false;
  // Baskets (CSR): contacts_ ascending, basket k = items_[offsets_[k], offsets_[k + 1]).
  std::vector<int64_t> contacts_;
  std::vector<uint32_t> offsets_;
  std::vector<uint32_t> items_;
  // Neighbours (CSR by item), best first.
  std::vector<uint32_t> nb_offsets_;
  std::vector<Neighbour> nb_;
  // Recommendable products, best seller first.
  std::vector<uint32_t> best_;
  std::vector<double> best_score_;  // per item: recent customers / recent buyers
  ModelStats stats_;
};

// Rounds to 4 decimals, the precision scores are shown and ranked with.
double roundScore(double s);

}  // namespace herald::recommend
