// The product catalog (schema v3) and the purchase scan the recommender
// builds its model from.
#include <nlohmann/json.hpp>

#include "store/sqlite/purchase_scan.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace herald::store::sqlite {

const char* const kPurchaseScanSql =
    "SELECT contact_id, at_ms, properties -> '$.items', properties -> '$.product_id' "
    "FROM events WHERE type = 'purchase' ORDER BY contact_id, at_ms";

namespace {

constexpr std::string_view kExists = "SELECT 1 FROM products WHERE id = ?1";
// Fields without a value keep the stored one; attributes are merged (RFC
// 7396: the new value wins, a JSON null removes a key).
constexpr std::string_view kUpsert =
    "INSERT INTO products(id, name, url, image, price, currency, category, attributes, "
    "updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, json_patch('{}', ?8), ?9) "
    "ON CONFLICT(id) DO UPDATE SET name = coalesce(excluded.name, name), "
    "url = coalesce(excluded.url, url), image = coalesce(excluded.image, image), "
    "price = coalesce(excluded.price, price), currency = coalesce(excluded.currency, currency), "
    "category = coalesce(excluded.category, category), "
    "attributes = json_patch(attributes, ?8), updated_ms = excluded.updated_ms";
constexpr const char* kColumns =
    "id, name, url, image, price, currency, category, attributes, updated_ms";

class SqliteProductImport final : public ProductImport {
 public:
  explicit SqliteProductImport(Db& db) : db_(db), tx_(db) {}

  bool upsert(const Product& p) override {
    bool exists = false;
    {
      auto q = db_.query(kExists);
      q.bindText(1, p.id);
      exists = q.step();
    }
    auto q = db_.query(kUpsert);
    q.bindText(1, p.id)
        .bindOptText(2, p.name)
        .bindOptText(3, p.url)
        .bindOptText(4, p.image)
        .bindOptText(6, p.currency)
        .bindOptText(7, p.category)
        .bindText(8, p.attributes)
        .bindInt(9, p.updated_ms);
    if (p.price) {
      q.bindReal(5, *p.price);
    } else {
      q.bindNull(5);
    }
    q.run();
    ++(exists ? updated_ : created_);
    return !exists;
  }
  void commit() override { tx_.commit(); }
  int64_t createdCount() const override { return created_; }
  int64_t updatedCount() const override { return updated_; }

 private:
  Db& db_;
  WriteTx tx_;
  int64_t created_ = 0;
  int64_t updated_ = 0;
};

Product readProduct(const Query& q) {
  Product p;
  p.id = q.colText(0);
  p.name = q.colOptText(1);
  p.url = q.colOptText(2);
  p.image = q.colOptText(3);
  if (!q.isNull(4)) p.price = q.colReal(4);
  p.currency = q.colOptText(5);
  p.category = q.colOptText(6);
  p.attributes = q.colText(7);
  p.updated_ms = q.colInt(8);
  return p;
}

void addItem(const nlohmann::json& v, std::vector<std::string>& out) {
  if (v.is_string()) {
    out.push_back(v.get<std::string>());
  } else if (v.is_number_integer()) {
    out.push_back(v.dump());
  } else if (v.is_object()) {
    for (const char* key : {"id", "product_id"}) {
      auto it = v.find(key);
      if (it != v.end() && (it->is_string() || it->is_number_integer())) {
        addItem(*it, out);
        break;
      }
    }
  }
}

// Appends the product ids in `json` (the JSON text of an "items" or
// "product_id" property). The common shapes, a string or a list of strings
// without escapes, are read directly; anything else goes through the JSON
// parser.
void appendItems(std::string_view json, std::vector<std::string>& out) {
  if (json.find_first_of("\\{") == std::string_view::npos) {
    size_t i = 0;
    bool ok = true;
    const size_t before = out.size();
    while (i < json.size()) {
      const char c = json[i];
      if (c == '"') {
        const size_t end = json.find('"', i + 1);
        if (end == std::string_view::npos) {
          ok = false;
          break;
        }
        out.emplace_back(json.substr(i + 1, end - i - 1));
        i = end + 1;
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        size_t end = i + 1;
        while (end < json.size() && json[end] >= '0' && json[end] <= '9') ++end;
        if (end < json.size() && (json[end] == '.' || json[end] == 'e' || json[end] == 'E')) {
          ok = false;  // not an integer: leave it to the parser (which skips it)
          break;
        }
        out.emplace_back(json.substr(i, end - i));
        i = end;
      } else if (c == '[' || c == ']' || c == ',' || c == ' ' || c == '\n' || c == '\t' ||
                 c == '\r') {
        ++i;
      } else {
        ok = false;  // true, false, null
        break;
      }
    }
    if (ok) return;
    out.resize(before);
  }
  auto v = nlohmann::json::parse(json, nullptr, false);
  if (v.is_array()) {
    for (const auto& x : v) addItem(x, out);
  } else {
    addItem(v, out);
  }
}

}  // namespace

std::unique_ptr<ProductImport> SqliteStore::beginProductImport() {
  return std::make_unique<SqliteProductImport>(db_);
}

int64_t SqliteStore::productCount() {
  auto q = db_.query("SELECT count(*) FROM products");
  q.step();
  return q.colInt(0);
}

std::vector<Product> SqliteStore::productsByIds(std::span<const std::string> ids) {
  // One indexed lookup per id through a JSON array of them: one statement
  // whatever the number of ids.
  nlohmann::json list = nlohmann::json::array();
  for (const auto& id : ids) list.push_back(id);
  const std::string text = list.dump();
  std::vector<Product> out;
  auto q = db_.query(std::string("SELECT ") + kColumns +
                     " FROM products WHERE id IN (SELECT value FROM json_each(?1)) ORDER BY id");
  q.bindText(1, text);
  while (q.step()) out.push_back(readProduct(q));
  return out;
}

std::vector<Product> SqliteStore::listProducts(int64_t limit, const std::string& after_id) {
  std::vector<Product> out;
  auto q = db_.query(std::string("SELECT ") + kColumns +
                     " FROM products WHERE id > ?1 ORDER BY id LIMIT ?2");
  q.bindText(1, after_id).bindInt(2, limit);
  while (q.step()) out.push_back(readProduct(q));
  return out;
}

void SqliteStore::forEachPurchase(const std::function<void(const Purchase&)>& fn) {
  Purchase p;
  auto q = db_.query(kPurchaseScanSql);
  while (q.step()) {
    p.contact_id = q.colInt(0);
    p.at_ms = q.colInt(1);
    p.items.clear();
    if (!q.isNull(2)) appendItems(q.colView(2), p.items);
    if (!q.isNull(3)) appendItems(q.colView(3), p.items);
    fn(p);
  }
}

}  // namespace herald::store::sqlite
