#include "personalize_config.hpp"

#include <map>

namespace herald::personalize {
namespace {

std::string escapeToken(const std::string& key) {
  std::string out;
  for (char ch : key) {
    if (ch == '~') {
      out += "~0";
    } else if (ch == '/') {
      out += "~1";
    } else {
      out += ch;
    }
  }
  return out;
}

const char* kindOf(bool block) { return block ? "block" : "value"; }

// Reads the cases of one block or value at `pointer` ("/blocks/hero").
Output readOutput(herald::StepContext& ctx, const std::string& name, const nlohmann::json& cases,
                  const std::string& pointer, bool block) {
  Output out;
  out.name = name;
  out.block = block;
  const char* field = block ? "content" : "value";
  if (cases.empty()) {
    ctx.diagnostic(pointer, std::string(kindOf(block)) + " '" + name +
                                "' has no cases; give it at least one (a case without `when` is "
                                "the fallback that matches every contact)");
    return out;
  }
  std::optional<size_t> fallback;
  for (size_t k = 0; k < cases.size(); ++k) {
    const nlohmann::json& c = cases[k];
    Case one;
    one.pointer = pointer + "/" + std::to_string(k);
    one.field = one.pointer + "/" + field;
    if (fallback) {
      ctx.diagnostic(one.pointer, "case " + std::to_string(k + 1) + " of " + kindOf(block) + " '" +
                                      name + "' can never be chosen: case " +
                                      std::to_string(*fallback + 1) +
                                      " has no `when`, so it matches every contact; move the "
                                      "fallback last, or give it a `when`");
      continue;
    }
    if (const auto when = c.find("when"); when != c.end()) {
      one.when = one.pointer + "/when";
      one.rule_key = when->dump();
    } else {
      fallback = k;
    }
    out.cases.push_back(std::move(one));
  }
  return out;
}

}  // namespace

bool isIdentifier(const std::string& name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char ch = name[i];
    const bool letter = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
    const bool digit = ch >= '0' && ch <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

Plan readPlan(herald::StepContext& ctx, const nlohmann::json& config) {
  Plan plan;
  std::map<std::string, std::string> taken;  // variable name -> pointer that defines it
  auto claim = [&](const std::string& name, const std::string& pointer, const std::string& what) {
    if (!isIdentifier(name)) {
      ctx.diagnostic(pointer, what + " '" + name + "' is not a name templates can read as vars." +
                                  name +
                                  "; use letters, digits and '_', not starting with a digit "
                                  "(e.g. hero_banner)");
      return false;
    }
    if (const auto it = taken.find(name); it != taken.end()) {
      ctx.diagnostic(pointer, what + " '" + name + "' is already the name of " + it->second +
                                  "; each variable this step sets needs its own name");
      return false;
    }
    return true;
  };
  auto describe = [](const std::string& pointer) {
    return (pointer.rfind("/blocks/", 0) == 0   ? "the block at "
            : pointer.rfind("/values/", 0) == 0 ? "the value at "
                                                : "") +
           pointer;
  };
  for (const auto& [section, block] : {std::pair{"blocks", true}, std::pair{"values", false}}) {
    const auto it = config.find(section);
    if (it == config.end() || !it->is_object()) continue;
    for (const auto& [name, cases] : it->items()) {
      const std::string pointer = std::string("/") + section + "/" + escapeToken(name);
      if (!claim(name, pointer, block ? "block name" : "value name")) continue;
      taken.emplace(name, describe(pointer));
      plan.outputs.push_back(readOutput(ctx, name, cases, pointer, block));
    }
  }
  if (const auto it = config.find("recommendations"); it != config.end() && it->is_object()) {
    Recommendations r;
    r.count = it->value("count", 3u);
    r.as = it->value("as", std::string("recommendations"));
    if (claim(r.as, "/recommendations/as", "`as`")) plan.recommendations = r;
  }
  if (plan.outputs.empty() && !plan.recommendations && ctx.diagnosticCount() == 0) {
    ctx.diagnostic("",
                   "personalize computes nothing here: give it `blocks`, `values` or "
                   "`recommendations`");
  }
  return plan;
}

}  // namespace herald::personalize
