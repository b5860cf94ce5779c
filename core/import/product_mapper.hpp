#pragma once
// Maps CSV rows and JSON Lines objects to catalog products, validating
// every value: the id is required, price is a non-negative number, url and
// image are http(s) addresses, currency is a three-letter code. Any other
// column (or key) is an attribute. docs/import.md, "Products".
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "import/columns.hpp"
#include "import/convert.hpp"
#include "store/products.hpp"

namespace herald::import {

class ProductMapper {
 public:
  explicit ProductMapper(int64_t now_ms) : now_ms_(now_ms) {}
  bool setHeader(const std::vector<std::string_view>& cells, Problems& problems);
  size_t columnCount() const { return columns_.size(); }
  const std::vector<std::string>& headers() const { return headers_; }
  void mapRow(const std::vector<std::string_view>& fields, store::Product& p, Problems& problems);
  void mapObject(const nlohmann::json& obj, std::string_view line, store::Product& p,
                 Problems& problems);

 private:
  void reset(store::Product& p);
  void applyText(const Column& col, std::string_view text, int at, store::Product& p,
                 Problems& problems);
  void applyJson(const Column& col, const nlohmann::json& value, int at, store::Product& p,
                 Problems& problems);
  std::string problem(const Column& col, std::string_view why) const;

  int64_t now_ms_;
  std::string noun_ = "column";
  std::vector<Column> columns_;
  std::vector<std::string> headers_;
  int id_column_ = 1;
  nlohmann::json attributes_;
};

}  // namespace herald::import
