// `herald recommend CONTACT`: the products a workflow's recommendations
// would give one contact now, with the reason and score of each and the
// purchases they are based on. The same model and answer as a run
// (recommend::Recommender), so a marketer previews exactly what is sent.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/command.hpp"
#include "app/commands/contact_ref.hpp"
#include "recommend/model.hpp"
#include "recommend/product_json.hpp"
#include "recommend/recommender.hpp"

namespace herald::app {
namespace {

std::string label(const recommend::Model& m, uint32_t item) {
  const auto* p = m.product(item);
  return p != nullptr && p->name ? fmt::format("{} {}", m.id(item), *p->name) : m.id(item);
}

std::string price(const nlohmann::json& p) {
  if (!p["price"].is_number()) return "";
  return fmt::format("{:.2f}{}", p["price"].get<double>(),
                     p["currency"].is_string() ? " " + p["currency"].get<std::string>() : "");
}

}  // namespace

void addRecommendCommand(CLI::App& app, AppContext& ctx, int& exit_code) {
  struct Flags {
    std::string contact;
    size_t count = 3;
    bool json = false;
  };
  auto flags = std::make_shared<Flags>();
  auto* cmd = app.add_subcommand(
      "recommend",
      "Preview one contact's product recommendations (customers who bought what they bought "
      "also bought...; best sellers when they bought nothing): each product with its reason "
      "and score, and the purchases they are based on");
  cmd->add_option("CONTACT", flags->contact, kContactRefHelp)->required();
  cmd->add_option("--count", flags->count, "How many products (default 3)")
      ->check(CLI::Range(1, 100));
  cmd->add_flag("--json", flags->json, "The answer as JSON");
  cmd->callback([&ctx, &exit_code, flags] {
    const auto contact = resolveContactRef(ctx, flags->contact);
    recommend::Recommender recommender(ctx.store());
    const auto answer = recommender.forContacts({contact.id}, flags->count).front();
    const auto& m = recommender.model();
    const auto basket = m.basket(contact.id);

    // For each also-bought product: the product of the basket it is most
    // often bought with.
    std::vector<int64_t> with(answer.size(), -1);
    for (size_t k = 0; k < answer.size(); ++k) {
      if (answer[k]["reason"] != "also-bought") continue;
      const std::string& id = answer[k]["id"].get_ref<const std::string&>();
      for (uint32_t item = 0; item < m.itemCount(); ++item) {
        if (m.id(item) != id) continue;
        const int64_t link = m.strongestLink(basket, item);
        if (link >= 0) with[k] = link;
      }
    }

    if (flags->json) {
      nlohmann::json out;
      out["contact"] = {{"id", contact.id},
                        {"external_id", contact.external_id ? nlohmann::json(*contact.external_id)
                                                            : nlohmann::json()}};
      out["recommendations"] = answer;
      for (size_t k = 0; k < answer.size(); ++k) {
        if (with[k] >= 0) {
          out["recommendations"][k]["bought_with"] = m.id(static_cast<uint32_t>(with[k]));
        }
      }
      out["based_on"] = nlohmann::json::array();
      for (uint32_t item : basket) {
        out["based_on"].push_back(recommend::productJson(m.id(item), m.product(item)));
      }
      const auto& s = m.stats();
      out["model"] = {{"purchases", s.purchases},
                      {"customers", s.customers},
                      {"products", s.products},
                      {"catalog", s.catalog}};
      std::cout << out.dump(2) << '\n';
      exit_code = 0;
      return;
    }

    const auto& s = m.stats();
    if (s.catalog == 0) {
      std::cerr << "note: the product catalog is empty, so products are named by id only; "
                   "import it with 'herald products import FILE'\n";
    }
    std::cout << fmt::format(
        "contact {}{}: {} {}\n", contact.id,
        contact.external_id ? " (external id " + *contact.external_id + ")" : "", answer.size(),
        answer.size() == 1 ? "recommendation" : "recommendations");
    for (size_t k = 0; k < answer.size(); ++k) {
      const auto& p = answer[k];
      const std::string name = p["name"].is_string() ? p["name"].get<std::string>() : "";
      std::cout << fmt::format("  {}. {:<10} {:<32} {:>12}  {:<12} score {:.4f}", k + 1,
                               p["id"].get<std::string>(), name, price(p),
                               p["reason"].get<std::string>(), p["score"].get<double>());
      if (with[k] >= 0) {
        std::cout << "  (bought with " << label(m, static_cast<uint32_t>(with[k])) << ')';
      }
      std::cout << '\n';
      if (p["url"].is_string()) std::cout << "     " << p["url"].get<std::string>() << '\n';
    }
    if (answer.empty()) {
      std::cout << "  (none: nobody has bought anything yet, so there are no best sellers)\n";
    }
    if (basket.empty() && answer.empty()) {
      std::cout << "based on: no purchases by this contact\n";
    } else if (basket.empty()) {
      std::cout << "based on: no purchases by this contact, so these are best sellers (most "
                   "customers in the last 90 days of purchases)\n";
    } else {
      std::string bought;
      for (uint32_t item : basket) bought += (bought.empty() ? "" : ", ") + label(m, item);
      std::cout << fmt::format("based on {} {} bought: {}\n", basket.size(),
                               basket.size() == 1 ? "product" : "products", bought);
    }
    std::cout << fmt::format(
        "model: {} {} by {} {}, {} products ({} in the catalog), built in {:.2f} s\n", s.purchases,
        s.purchases == 1 ? "purchase" : "purchases", s.customers,
        s.customers == 1 ? "customer" : "customers", s.products, s.catalog,
        s.read_seconds + s.build_seconds);
    exit_code = 0;
  });
}

}  // namespace herald::app
