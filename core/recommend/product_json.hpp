#pragma once
// A product as templates and `--json` output see it: {"id", "name", "url",
// "image", "price", "currency", "category", "attributes"}; fields the
// catalog does not give are null (all of them but the id for a product that
// is not in the catalog), attributes an object.
#include <nlohmann/json.hpp>
#include <string>

#include "store/products.hpp"

namespace herald::recommend {

nlohmann::json productJson(const std::string& id, const store::Product* catalog);

}  // namespace herald::recommend
