// The per-run cache around the model: built on the first call, then every
// batch of the run is answered from memory. Product objects are made once
// per product (product_json), so a contact's answer copies them.
#include "recommend/recommender.hpp"

#include "recommend/model.hpp"
#include "recommend/product_json.hpp"

namespace herald::recommend {
namespace {

const std::string kAlsoBought = "also-bought";
const std::string kBestSeller = "best-seller";

}  // namespace

struct Recommender::Cache {
  Model model;
  std::vector<nlohmann::json> products;  // per item, without score and reason
};

Recommender::Recommender(store::Store& store) : store_(store) {}
Recommender::~Recommender() = default;

const Model& Recommender::model() {
  std::lock_guard lock(mu_);
  if (!cache_) {
    auto cache = std::make_unique<Cache>(Cache{Model::build(store_), {}});
    cache->products.reserve(cache->model.itemCount());
    for (uint32_t k = 0; k < cache->model.itemCount(); ++k) {
      auto p = productJson(cache->model.id(k), cache->model.product(k));
      // Made here so that each answer assigns them rather than inserts.
      p["score"] = 0.0;
      p["reason"] = "";
      cache->products.push_back(std::move(p));
    }
    cache_ = std::move(cache);
  }
  return cache_->model;
}

std::vector<nlohmann::json> Recommender::forContacts(const std::vector<int64_t>& contact_ids,
                                                     size_t count) {
  const Model& m = model();
  const Cache& cache = *cache_;
  std::vector<nlohmann::json> out;
  out.reserve(contact_ids.size());
  // One scratch per thread, kept between calls: a run asks batch after batch.
  thread_local Model::Scratch scratch;
  thread_local std::vector<Recommendation> recs;
  for (int64_t id : contact_ids) {
    m.recommend(id, count, scratch, recs);
    nlohmann::json list = nlohmann::json::array();
    list.get_ref<nlohmann::json::array_t&>().reserve(recs.size());
    for (const auto& r : recs) {
      nlohmann::json p = cache.products[r.item];
      p["score"] = r.score;
      p["reason"].get_ref<std::string&>() = r.also_bought ? kAlsoBought : kBestSeller;
      list.push_back(std::move(p));
    }
    out.push_back(std::move(list));
  }
  return out;
}

}  // namespace herald::recommend
