// The products command group (docs/import.md, "Products"): `import` (the
// shared import subcommand), `list` and `show`. Recommendations name these
// products: `herald recommend` previews them for one contact.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/command.hpp"
#include "app/commands/import_subcommand.hpp"
#include "recommend/product_json.hpp"
#include "util/clock.hpp"
#include "util/suggest.hpp"

namespace herald::app {
namespace {

[[noreturn]] void fail(int code, const std::string& message) {
  std::cerr << "herald: error: " << message << '\n';
  throw CommandFailed{code};
}

nlohmann::json toJson(const store::Product& p) {
  auto j = recommend::productJson(p.id, &p);
  j["updated_at"] = formatIsoTime(p.updated_ms);
  return j;
}

std::string priceText(const store::Product& p) {
  if (!p.price) return "-";
  return fmt::format("{:.2f}{}", *p.price, p.currency ? " " + *p.currency : "");
}

void addList(CLI::App& group, AppContext& ctx, int& exit_code) {
  struct Flags {
    int64_t limit = 50;
    bool json = false;
  };
  auto flags = std::make_shared<Flags>();
  auto* cmd = group.add_subcommand("list", "List the catalog's products in id order");
  cmd->add_option("--limit", flags->limit, "At most this many products, 0 for all (default 50)")
      ->check(CLI::Range(int64_t{0}, int64_t{1000000000}));
  cmd->add_flag("--json", flags->json, "One JSON array of product objects");
  cmd->callback([&ctx, &exit_code, flags] {
    auto& store = ctx.store();
    const auto products = store.listProducts(flags->limit == 0 ? -1 : flags->limit, "");
    const int64_t total = store.productCount();
    if (flags->json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& p : products) out.push_back(toJson(p));
      std::cout << out.dump(2) << '\n';
      exit_code = 0;
      return;
    }
    if (total == 0) {
      std::cout << "the catalog is empty: import it with 'herald products import FILE' "
                   "(docs/import.md, \"Products\")\n";
      exit_code = 0;
      return;
    }
    std::cout << fmt::format("{:<12} {:<32} {:>14}  {:<16} {}\n", "ID", "NAME", "PRICE", "CATEGORY",
                             "URL");
    for (const auto& p : products) {
      std::cout << fmt::format("{:<12} {:<32} {:>14}  {:<16} {}\n", p.id, p.name.value_or("-"),
                               priceText(p), p.category.value_or("-"), p.url.value_or("-"));
    }
    if (static_cast<int64_t>(products.size()) < total) {
      std::cout << fmt::format("{} of {} products (--limit 0 lists them all)\n", products.size(),
                               total);
    } else {
      std::cout << fmt::format("{} {}\n", total, total == 1 ? "product" : "products");
    }
    exit_code = 0;
  });
}

void addShow(CLI::App& group, AppContext& ctx, int& exit_code) {
  struct Flags {
    std::string id;
    bool json = false;
  };
  auto flags = std::make_shared<Flags>();
  auto* cmd = group.add_subcommand("show", "Show one product of the catalog");
  cmd->add_option("ID", flags->id, "The product id, as purchase events name it")->required();
  cmd->add_flag("--json", flags->json, "The product object as JSON");
  cmd->callback([&ctx, &exit_code, flags] {
    auto& store = ctx.store();
    const std::string ids[] = {flags->id};
    const auto found = store.productsByIds(ids);
    if (found.empty()) {
      std::vector<std::string> all;
      for (const auto& p : store.listProducts(-1, "")) all.push_back(p.id);
      fail(1, fmt::format("no product with id '{}' in the catalog ({} {}){}; 'herald products "
                          "list' shows them",
                          flags->id, all.size(), all.size() == 1 ? "product" : "products",
                          didYouMean(flags->id, all)));
    }
    const auto& p = found.front();
    if (flags->json) {
      std::cout << toJson(p).dump(2) << '\n';
      exit_code = 0;
      return;
    }
    std::cout << fmt::format("product {}\n", p.id);
    auto line = [](const char* k, const std::optional<std::string>& v) {
      std::cout << fmt::format("  {:<10} {}\n", k, v.value_or("-"));
    };
    line("name", p.name);
    line("url", p.url);
    line("image", p.image);
    std::cout << fmt::format("  {:<10} {}\n", "price", priceText(p));
    line("category", p.category);
    std::cout << fmt::format("  {:<10} {}\n", "updated", formatIsoTime(p.updated_ms));
    const auto attributes = nlohmann::json::parse(p.attributes, nullptr, false);
    std::cout << "attributes\n";
    if (!attributes.is_object() || attributes.empty()) std::cout << "  (none)\n";
    if (attributes.is_object()) {
      for (const auto& [k, v] : attributes.items()) {
        std::cout << fmt::format("  {}: {}\n", k, v.dump());
      }
    }
    exit_code = 0;
  });
}

}  // namespace

void addProductsCommand(CLI::App& app, AppContext& ctx, int& exit_code) {
  auto* group = app.add_subcommand(
      "products", "Manage the product catalog recommendations name: import, list, show");
  group->require_subcommand(1);
  addImportSubcommand(
      *group, ctx, exit_code, import::What::kProducts,
      "Import products from a CSV or JSON Lines file (docs/import.md, \"Products\"): new ids are "
      "added, known ones updated. All or nothing unless --skip-invalid.");
  addList(*group, ctx, exit_code);
  addShow(*group, ctx, exit_code);
}

}  // namespace herald::app
