// The per-run cache around the model: built on the first call, then every
// batch of the run is answered from memory. Each product's JSON text is made
// once per run (product_json), so an answer only appends text: at 1M
// contacts, building a JSON object per product per contact cost 20x more
// than the model itself.
#include "recommend/recommender.hpp"

#include <charconv>

#include "recommend/model.hpp"
#include "recommend/product_json.hpp"

namespace herald::recommend {
namespace {

// Appended after a product's other members (they sort before "reason" and
// "score", as nlohmann's own dump orders keys).
constexpr std::string_view kAlsoBought = R"(,"reason":"also-bought","score":)";
constexpr std::string_view kBestSeller = R"(,"reason":"best-seller","score":)";

}  // namespace

struct Recommender::Cache {
  Model model;
  // Per item: the product object as JSON text without its closing brace
  // (and without score and reason).
  std::vector<std::string> products;
};

Recommender::Recommender(store::Store& store) : store_(store) {}
Recommender::~Recommender() = default;

const Model& Recommender::model() {
  std::lock_guard lock(mu_);
  if (!cache_) {
    auto cache = std::make_unique<Cache>(Cache{Model::build(store_), {}});
    cache->products.reserve(cache->model.itemCount());
    for (uint32_t k = 0; k < cache->model.itemCount(); ++k) {
      std::string text = productJson(cache->model.id(k), cache->model.product(k))
                             .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      text.pop_back();  // the closing brace: reason and score follow
      cache->products.push_back(std::move(text));
    }
    cache_ = std::move(cache);
  }
  return cache_->model;
}

std::string Recommender::forContactsText(const std::vector<int64_t>& contact_ids, size_t count) {
  const Model& m = model();
  const Cache& cache = *cache_;
  std::string out;
  out.reserve(contact_ids.size() * count * 256 + 2);
  // One scratch per thread, kept between calls: a run asks batch after batch.
  thread_local Model::Scratch scratch;
  thread_local std::vector<Recommendation> recs;
  out += '[';
  for (size_t c = 0; c < contact_ids.size(); ++c) {
    m.recommend(contact_ids[c], count, scratch, recs);
    out += c == 0 ? "[" : ",[";
    for (size_t k = 0; k < recs.size(); ++k) {
      if (k > 0) out += ',';
      out += cache.products[recs[k].item];
      out += recs[k].also_bought ? kAlsoBought : kBestSeller;
      char buf[32];
      const auto res = std::to_chars(buf, buf + sizeof buf, recs[k].score);
      out.append(buf, res.ptr);
      if (recs[k].score == static_cast<double>(static_cast<int64_t>(recs[k].score)) &&
          std::string_view(buf, static_cast<size_t>(res.ptr - buf)).find_first_of(".e") ==
              std::string_view::npos) {
        out += ".0";  // a float, as nlohmann writes one
      }
      out += '}';
    }
    out += ']';
  }
  out += ']';
  return out;
}

std::vector<nlohmann::json> Recommender::forContacts(const std::vector<int64_t>& contact_ids,
                                                     size_t count) {
  auto all = nlohmann::json::parse(forContactsText(contact_ids, count));
  return std::move(all.get_ref<nlohmann::json::array_t&>());
}

}  // namespace herald::recommend
