#include "recommend/recommender.hpp"

#include <stdexcept>

// TEMPORARY STUB (lead): replaced by the co-occurrence model.
namespace herald::recommend {

class Model {};

Recommender::Recommender(store::Store& store) : store_(store) {}
Recommender::~Recommender() = default;

std::vector<nlohmann::json> Recommender::forContacts(const std::vector<int64_t>&, size_t) {
  throw std::runtime_error("recommendations are not built yet");
}

}  // namespace herald::recommend
