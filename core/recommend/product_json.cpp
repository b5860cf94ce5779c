#include "recommend/product_json.hpp"

namespace herald::recommend {
namespace {

nlohmann::json opt(const std::optional<std::string>& s) {
  return s ? nlohmann::json(*s) : nlohmann::json();
}

}  // namespace

nlohmann::json productJson(const std::string& id, const store::Product* p) {
  nlohmann::json j = nlohmann::json::object();
  j["id"] = id;
  j["name"] = p ? opt(p->name) : nullptr;
  j["url"] = p ? opt(p->url) : nullptr;
  j["image"] = p ? opt(p->image) : nullptr;
  j["price"] = p && p->price ? nlohmann::json(*p->price) : nlohmann::json();
  j["currency"] = p ? opt(p->currency) : nullptr;
  j["category"] = p ? opt(p->category) : nullptr;
  auto attributes = p ? nlohmann::json::parse(p->attributes, nullptr, false) : nlohmann::json();
  j["attributes"] = attributes.is_object() ? attributes : nlohmann::json::object();
  return j;
}

}  // namespace herald::recommend
