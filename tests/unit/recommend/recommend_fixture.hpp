#pragma once
// A store with contacts C1..Cn and purchases given as baskets, for the
// model and recommender tests.
#include <map>
#include <string>
#include <vector>

#include "store/store.hpp"
#include "store_fixture.hpp"

namespace herald::recommend::testing {

constexpr int64_t kDay = 24LL * 3600 * 1000;
constexpr int64_t kNewest = 1'748'736'000'000;  // 2025-06-01

class RecommendTest : public store::testing::StoreTest {
 protected:
  // One purchase event per basket entry: contact index (1-based, into the
  // ids addContacts returned) -> product ids, bought `days_ago` before kNewest.
  void buy(int contact, const std::vector<std::string>& items, int64_t days_ago = 0) {
    pending_.push_back({contact, items, days_ago});
  }
  void commitPurchases() {
    auto imp = store_->beginEventImport();
    for (const auto& p : pending_) {
      store::Event e;
      e.contact_id = ids_.at(static_cast<size_t>(p.contact - 1));
      e.type = "purchase";
      e.properties = {{"amount", 10.0}, {"currency", "USD"}, {"items", p.items}};
      e.at_ms = kNewest - p.days_ago * kDay;
      e.external_id = "E" + std::to_string(++events_);
      imp->insert(e);
    }
    imp->commit();
    pending_.clear();
  }
  void addCatalog(const std::vector<std::string>& ids) {
    auto imp = store_->beginProductImport();
    for (const auto& id : ids) {
      store::Product p;
      p.id = id;
      p.name = "Product " + id;
      p.url = "https://shop.example.com/p/" + id;
      p.image = "https://shop.example.com/i/" + id + ".jpg";
      p.price = 9.5;
      p.currency = "USD";
      p.category = "socks";
      imp->upsert(p);
    }
    imp->commit();
  }

  struct Pending {
    int contact;
    std::vector<std::string> items;
    int64_t days_ago;
  };
  std::vector<int64_t> ids_;
  std::vector<Pending> pending_;
  int events_ = 0;
};

}  // namespace herald::recommend::testing
