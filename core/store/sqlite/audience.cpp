#include "store/sqlite/audience.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>

#include "store/store.hpp"

namespace herald::store::sqlite {
namespace {

constexpr std::array<std::string_view, 8> kFields{"external_id", "email",  "phone",    "first_name",
                                                  "last_name",   "locale", "timezone", "id"};

// JSON path for an attribute name, quoted so names with dots or spaces work.
std::string attributePath(std::string_view name) {
  std::string path = "$.\"";
  for (char ch : name) {
    if (ch == '"' || ch == '\\') path += '\\';
    path += ch;
  }
  path += '"';
  return path;
}

}  // namespace

void CompiledFilter::bind(Query& q, int first) const {
  for (size_t i = 0; i < params.size(); ++i) {
    const auto& v = params[i];
    int index = first + static_cast<int>(i);
    if (v.is_null()) {
      q.bindNull(index);
    } else if (v.is_boolean()) {
      q.bindInt(index, v.get<bool>() ? 1 : 0);  // json_extract yields 1/0 for true/false
    } else if (v.is_number_integer()) {
      q.bindInt(index, v.get<int64_t>());
    } else if (v.is_number()) {
      q.bindReal(index, v.get<double>());
    } else if (v.is_string()) {
      q.bindText(index, v.get_ref<const std::string&>());
    } else {
      q.bindText(index, v.dump());  // arrays/objects compare as JSON text
    }
  }
}

CompiledFilter compileFilter(const AudienceFilter& filter, int first_param) {
  CompiledFilter out;
  std::vector<std::string> terms;
  auto param = [&](nlohmann::json v) {
    out.params.push_back(std::move(v));
    return fmt::format("?{}", first_param + static_cast<int>(out.params.size()) - 1);
  };
  for (const auto& cond : filter.all) {
    if (cond.field == "tag" || cond.field == "tags") {
      if (cond.op != "has" && cond.op != "eq") {
        throw StoreError(fmt::format(
            "audience filter: operator '{}' does not apply to tags (use 'has')", cond.op));
      }
      terms.push_back(fmt::format(
          "EXISTS (SELECT 1 FROM contact_tags t WHERE t.tag = {} AND t.contact_id = c.id)",
          param(cond.value)));
      continue;
    }
    std::string expr;
    if (cond.field.starts_with("attributes.")) {
      expr = fmt::format("json_extract(c.attributes, {})",
                         param(attributePath(std::string_view(cond.field).substr(11))));
    } else if (std::find(kFields.begin(), kFields.end(), cond.field) != kFields.end()) {
      expr = fmt::format("c.{}", cond.field);  // a name from the fixed list above
    } else {
      throw StoreError(fmt::format(
          "audience filter: unknown field '{}' (known: external_id, email, phone, first_name, "
          "last_name, locale, timezone, attributes.NAME, tag)",
          cond.field));
    }
    if (cond.op == "eq") {
      terms.push_back(fmt::format("{} IS {}", expr, param(cond.value)));
    } else if (cond.op == "ne") {
      // A contact without the field is "not equal" too.
      terms.push_back(fmt::format("{} IS NOT {}", expr, param(cond.value)));
    } else if (cond.op == "exists") {
      bool want = cond.value.is_boolean() ? cond.value.get<bool>() : true;
      terms.push_back(fmt::format("{} IS {}NULL", expr, want ? "NOT " : ""));
    } else {
      throw StoreError(fmt::format(
          "audience filter: unknown operator '{}' (known: eq, ne, exists, has)", cond.op));
    }
  }
  // fmt::join rather than string appends: GCC 12 -O3 reports a bogus
  // -Wrestrict on the appends.
  out.where = terms.empty() ? fmt::format("1") : fmt::format("({})", fmt::join(terms, ") AND ("));
  return out;
}

}  // namespace herald::store::sqlite
