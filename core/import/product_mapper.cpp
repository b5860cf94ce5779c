#include "import/product_mapper.hpp"

#include <fmt/format.h>

#include <cmath>

#include "import/values.hpp"

namespace herald::import {
namespace {

bool isHttpUrl(std::string_view s) {
  auto after = [&](std::string_view scheme) {
    return s.size() > scheme.size() && s.substr(0, scheme.size()) == scheme;
  };
  if (!after("http://") && !after("https://")) return false;
  return s.find_first_of(" \t\r\n") == std::string_view::npos;
}

bool isCurrencyCode(std::string_view s, std::string& out) {
  if (s.size() != 3) return false;
  out.clear();
  for (char c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') return false;
    out += c;
  }
  return true;
}

}  // namespace

std::string ProductMapper::problem(const Column& col, std::string_view why) const {
  return fmt::format("{} '{}': {}", noun_, col.header, why);
}

bool ProductMapper::setHeader(const std::vector<std::string_view>& cells, Problems& problems) {
  const size_t before = problems.size();
  columns_.clear();
  headers_.clear();
  int id = 0;
  for (size_t i = 0; i < cells.size(); ++i) {
    const int at = static_cast<int>(i) + 1;
    std::string error;
    std::string_view header = trim(cells[i]);
    headers_.emplace_back(header);
    auto col = productColumn(header, error);
    if (!col) {
      problems.push_back({at, error});
      columns_.push_back(Column{});
      continue;
    }
    for (size_t j = 0; j < columns_.size(); ++j) {
      if (!columns_[j].header.empty() && columns_[j].role == col->role &&
          columns_[j].name == col->name) {
        problems.push_back({at, fmt::format("column '{}' repeats column {} ('{}')", header, j + 1,
                                            columns_[j].header)});
      }
    }
    if (col->role == Role::kProductId && id == 0) id = at;
    columns_.push_back(std::move(*col));
  }
  if (id == 0) {
    problems.push_back({0,
                        "the header has no 'id' column (or 'product_id'): each product needs the "
                        "id its purchase events name it by"});
  }
  id_column_ = id;
  return problems.size() == before;
}

void ProductMapper::reset(store::Product& p) {
  p = store::Product{};
  p.updated_ms = now_ms_;
  attributes_ = nlohmann::json::object();
}

void ProductMapper::mapRow(const std::vector<std::string_view>& fields, store::Product& p,
                           Problems& problems) {
  noun_ = "column";
  reset(p);
  const size_t n = std::min(fields.size(), columns_.size());
  for (size_t i = 0; i < n; ++i) {
    std::string_view text = trim(fields[i]);
    if (text.empty()) continue;
    const int at = static_cast<int>(i) + 1;
    if (!isValidUtf8(text)) {
      problems.push_back(
          {at, problem(columns_[i], "the text is not valid UTF-8 (save the file as UTF-8)")});
      continue;
    }
    applyText(columns_[i], text, at, p, problems);
  }
  if (p.id.empty()) {
    problems.push_back({id_column_, "the row has no product id ('id'): every product needs one"});
  }
  p.attributes = attributes_.dump();
}

void ProductMapper::applyText(const Column& col, std::string_view text, int at, store::Product& p,
                              Problems& problems) {
  std::string why;
  switch (col.role) {
    case Role::kProductId:
      if (text.size() > 200) {
        problems.push_back({at, problem(col, "a product id is at most 200 characters")});
      } else {
        p.id = std::string(text);
      }
      return;
    case Role::kName:
      p.name.emplace(text);
      return;
    case Role::kCategory:
      p.category.emplace(text);
      return;
    case Role::kUrl:
    case Role::kImage:
      if (!isHttpUrl(text)) {
        problems.push_back(
            {at, problem(col, quoteValue(text) +
                                  " is not an http(s) address: write the full address, e.g. "
                                  "https://shop.example.com/p/P0001")});
      } else {
        (col.role == Role::kUrl ? p.url : p.image).emplace(text);
      }
      return;
    case Role::kPrice: {
      auto n = parseNumber(text);
      if (!n || !std::isfinite(n->get<double>())) {
        problems.push_back(
            {at, problem(col, quoteValue(text) +
                                  " is not a number: write the price like 19.99, with '.' as the "
                                  "decimal separator and no currency sign")});
      } else if (n->get<double>() < 0) {
        problems.push_back({at, problem(col, quoteValue(text) + " is negative: a price is 0 or "
                                                                "more")});
      } else {
        p.price = n->get<double>();
      }
      return;
    }
    case Role::kCurrency: {
      std::string code;
      if (!isCurrencyCode(text, code)) {
        problems.push_back(
            {at, problem(col, quoteValue(text) +
                                  " is not a currency code: write the three-letter ISO 4217 "
                                  "code, e.g. USD, EUR, GBP")});
      } else {
        p.currency = std::move(code);
      }
      return;
    }
    case Role::kAttributes: {
      nlohmann::json parsed;
      if (!parseJsonObjectCell(text, parsed, why)) {
        problems.push_back({at, problem(col, why)});
        return;
      }
      for (auto& [k, v] : parsed.items()) {
        if (!attributes_.contains(k)) attributes_[k] = std::move(v);
      }
      return;
    }
    default: {
      nlohmann::json value;
      if (textValue(col, text, value, why)) {
        attributes_[col.name] = std::move(value);
      } else {
        problems.push_back({at, problem(col, why)});
      }
      return;
    }
  }
}

void ProductMapper::applyJson(const Column& col, const nlohmann::json& value, int at,
                              store::Product& p, Problems& problems) {
  if (value.is_null()) return;
  if (col.role == Role::kAttribute) {
    attributes_[col.name] = value;
    return;
  }
  if (col.role == Role::kAttributes) {
    if (!value.is_object()) {
      problems.push_back({at, problem(col, "must be a JSON object of attributes")});
      return;
    }
    for (const auto& [k, v] : value.items()) attributes_[k] = v;
    return;
  }
  if (col.role == Role::kPrice && value.is_number()) {
    applyText(col, value.dump(), at, p, problems);
    return;
  }
  if (col.role == Role::kProductId && value.is_number_integer()) {
    p.id = value.dump();
    return;
  }
  if (!value.is_string()) {
    problems.push_back(
        {at, problem(col, fmt::format("expected a string, found {}", quoteValue(value.dump())))});
    return;
  }
  const std::string& s = value.get_ref<const std::string&>();
  std::string_view text = trim(s);
  if (text.empty()) return;
  if (!isValidUtf8(text)) {
    problems.push_back({at, problem(col, "the text is not valid UTF-8")});
    return;
  }
  applyText(col, text, at, p, problems);
}

void ProductMapper::mapObject(const nlohmann::json& obj, std::string_view line, store::Product& p,
                              Problems& problems) {
  noun_ = "field";
  reset(p);
  if (!obj.is_object()) {
    problems.push_back({1, "each line must be a JSON object ({\"id\": ..., \"name\": ...})"});
    return;
  }
  int id_at = 1;
  for (const auto& [key, value] : obj.items()) {
    const int at = keyColumn(line, key);
    std::string error;
    auto col = productColumn(key, error);
    if (!col) {
      problems.push_back({at, error});
      continue;
    }
    if (col->role == Role::kProductId) id_at = at;
    applyJson(*col, value, at, p, problems);
  }
  if (p.id.empty()) {
    problems.push_back({id_at, "the line has no product id (\"id\"): every product needs one"});
  }
  p.attributes = attributes_.dump();
}

}  // namespace herald::import
