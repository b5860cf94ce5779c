// Expressions, variables, filters, outputs and conditions.
#include <charconv>
#include <cstdlib>

#include "template/compiler.hpp"
#include "util/suggest.hpp"

namespace herald::tmpl {
namespace {

using K = MarkupToken::Kind;

struct FieldName {
  std::string_view name;
  ContactField field;
};
constexpr FieldName kContactFields[] = {
    {"id", ContactField::kId},
    {"external_id", ContactField::kExternalId},
    {"email", ContactField::kEmail},
    {"phone", ContactField::kPhone},
    {"first_name", ContactField::kFirstName},
    {"last_name", ContactField::kLastName},
    {"timezone", ContactField::kTimezone},
    {"locale", ContactField::kLocale},
    {"tags", ContactField::kTags},
    {"attributes", ContactField::kAttributes},
};

std::vector<std::string> contactFieldNames() {
  std::vector<std::string> out;
  for (const auto& f : kContactFields) out.emplace_back(f.name);
  return out;
}

struct LoopPropName {
  std::string_view name;
  LoopProp prop;
};
constexpr LoopPropName kLoopProps[] = {
    {"index", LoopProp::kIndex},     {"index0", LoopProp::kIndex0}, {"rindex", LoopProp::kRindex},
    {"rindex0", LoopProp::kRindex0}, {"first", LoopProp::kFirst},   {"last", LoopProp::kLast},
    {"length", LoopProp::kLength},
};

// The built-in `default` (used only while the filter library has none).
Value builtinDefault(const Value& input, std::span<const Value> args, FilterEnv&) {
  if (!input.blank()) return input;
  return args.empty() ? Value::borrowed("") : args[0];
}
constexpr FilterSpec kBuiltinDefault{"default", 0, 1, builtinDefault, "default: VALUE"};

std::string argCount(int n) { return std::to_string(n) + (n == 1 ? " argument" : " arguments"); }

}  // namespace

void Compiler::tokenize(std::string_view markup, size_t offset, std::vector<MarkupToken>& out) {
  MarkupError err;
  if (!tokenizeMarkup(markup, offset, out, err)) fail(err.offset, err.message);
}

uint32_t Compiler::addExpr(Expr e) {
  prog_.exprs.push_back(std::move(e));
  return static_cast<uint32_t>(prog_.exprs.size() - 1);
}

uint32_t Compiler::localSlot(std::string_view name) {
  auto it = unit_->slots.find(name);
  if (it != unit_->slots.end()) return it->second;
  const uint32_t slot = unit_->frame_size++;
  unit_->slots.emplace(std::string(name), slot);
  return slot;
}

uint32_t Compiler::parseExpr(Cursor& c) {
  const MarkupToken t = c.peek();
  struct DepthGuard {
    size_t& depth;
    explicit DepthGuard(size_t& d) : depth(d) { ++depth; }
    ~DepthGuard() { --depth; }
  } guard(expr_depth_);
  if (expr_depth_ > 32) fail(t.offset, "the expression is nested more than 32 levels deep (limit)");
  Expr e;
  switch (t.kind) {
    case K::kString:
      c.next();
      e.literal = Value::borrowed(t.text);
      return addExpr(std::move(e));
    case K::kInt: {
      c.next();
      int64_t i = 0;
      auto r = std::from_chars(t.text.data(), t.text.data() + t.text.size(), i);
      if (r.ec != std::errc())
        e.literal = Value::number(std::strtod(std::string(t.text).c_str(), nullptr));
      else
        e.literal = Value::integer(i);
      return addExpr(std::move(e));
    }
    case K::kFloat:
      c.next();
      e.literal = Value::number(std::strtod(std::string(t.text).c_str(), nullptr));
      return addExpr(std::move(e));
    case K::kLParen: {
      c.next();
      e.kind = Expr::Kind::kRange;
      e.lo = parseExpr(c);
      c.expect(K::kDotDot, "'..' in a range (1..5)");
      e.hi = parseExpr(c);
      c.expect(K::kRParen, "')' closing the range");
      return addExpr(std::move(e));
    }
    case K::kName: {
      const bool followed = c.peek(1).kind == K::kDot || c.peek(1).kind == K::kLBracket;
      if (!followed) {
        if (t.text == "true" || t.text == "false") {
          c.next();
          e.literal = Value::boolean(t.text == "true");
          return addExpr(std::move(e));
        }
        if (t.text == "nil" || t.text == "null") {
          c.next();
          return addExpr(std::move(e));
        }
        if (t.text == "empty" || t.text == "blank") {
          c.next();
          e.kind = t.text == "empty" ? Expr::Kind::kEmpty : Expr::Kind::kBlank;
          return addExpr(std::move(e));
        }
      }
      return parseVariable(c);
    }
    default:
      fail(t.offset,
           "expected a value (a variable, a 'string', a number, true, false, nil or a "
           "range (1..5)) but found " +
               describeToken(t));
  }
}

uint32_t Compiler::parseVariable(Cursor& c) {
  const MarkupToken root = c.next();
  Expr e;
  std::vector<std::pair<PathStep, size_t>> steps;  // with offsets, for errors
  for (;;) {
    if (c.accept(K::kDot)) {
      const MarkupToken& key = c.expect(K::kName, "a name after '.'");
      PathStep s;
      s.key = key.text;
      steps.emplace_back(s, key.offset);
    } else if (c.at(K::kLBracket)) {
      const size_t at = c.next().offset;
      PathStep s;
      if (c.at(K::kString) && c.peek(1).kind == K::kRBracket) {
        s.key = c.next().text;
      } else if (c.at(K::kInt) && c.peek(1).kind == K::kRBracket) {
        const auto& n = c.next().text;
        std::from_chars(n.data(), n.data() + n.size(), s.index);
        s.kind = PathStep::Kind::kIndex;
      } else {
        s.kind = PathStep::Kind::kDynamic;
        s.expr = parseExpr(c);
      }
      c.expect(K::kRBracket, "']'");
      steps.emplace_back(s, at);
    } else {
      break;
    }
  }
  size_t first = 0;
  if (root.text == "contact") {
    e.kind = Expr::Kind::kContact;
    const std::string fields = joinList(contactFieldNames());
    if (steps.empty() || steps[0].first.kind != PathStep::Kind::kKey)
      fail(root.offset, "'contact' needs a field: contact.FIELD (fields: " + fields +
                            "; custom fields are contact.attributes.NAME)");
    const std::string_view field = steps[0].first.key;
    bool found = false;
    for (const auto& f : kContactFields) {
      if (f.name == field) {
        e.field = f.field;
        found = true;
      }
    }
    if (!found) {
      std::string msg = "unknown contact field '" + std::string(field) + "'";
      auto close = closeMatches(std::string(field), contactFieldNames(), 1);
      if (!close.empty()) msg += "; did you mean '" + close.front() + "'?";
      msg += " (contact fields: " + fields + "; custom fields are contact.attributes." +
             std::string(field) + ")";
      fail(steps[0].second, msg);
    }
    first = 1;
  } else if (root.text == "vars") {
    e.kind = Expr::Kind::kVars;
  } else if (root.text == "forloop") {
    e.kind = Expr::Kind::kForloop;
    while (first < steps.size() && steps[first].first.kind == PathStep::Kind::kKey &&
           steps[first].first.key == "parentloop") {
      if (e.loop_up == 32) fail(steps[first].second, "too many parentloop steps");
      ++e.loop_up;
      ++first;
    }
    if (first < steps.size()) {
      const auto& s = steps[first].first;
      bool found = false;
      for (const auto& p : kLoopProps) {
        if (s.kind == PathStep::Kind::kKey && p.name == s.key) {
          e.prop = p.prop;
          found = true;
        }
      }
      if (!found)
        fail(steps[first].second,
             "unknown forloop property '" + std::string(s.key) +
                 "' (forloop has index, index0, rindex, rindex0, first, last, length and "
                 "parentloop)");
      ++first;
    }
  } else {
    e.kind = Expr::Kind::kLocal;
    e.name = root.text;
    bool is_loop_var = false;
    for (auto it = unit_->loop_vars.rbegin(); it != unit_->loop_vars.rend(); ++it) {
      if (it->first == root.text) {
        e.slot = it->second;
        e.global_fallback = false;
        is_loop_var = true;
        break;
      }
    }
    if (!is_loop_var) {
      e.slot = localSlot(root.text);
      const bool is_root =
          std::find(opts_.roots.begin(), opts_.roots.end(), root.text) != opts_.roots.end();
      if (!is_root) unit_->unknown_roots.push_back(Unit::Ref{std::string(root.text), root.offset});
    }
  }
  for (size_t i = first; i < steps.size(); ++i) e.steps.push_back(steps[i].first);
  return addExpr(std::move(e));
}

uint32_t Compiler::variableId(std::string_view name, size_t offset, bool has_default) {
  auto it = variable_ids_.find(name);
  if (it != variable_ids_.end()) {
    if (!has_default && !variable_lacks_default_[it->second]) {
      // Report where the first output without a default is.
      variable_lacks_default_[it->second] = true;
      auto& v = prog_.variables[it->second];
      v.line = lineOf(offset);
      v.column = columnOf(offset);
    }
    return it->second;
  }
  Template::Variable v;
  v.name = std::string(name);
  v.line = lineOf(offset);
  v.column = columnOf(offset);
  prog_.variables.push_back(std::move(v));
  variable_lacks_default_.push_back(!has_default);
  const auto id = static_cast<uint32_t>(prog_.variables.size() - 1);
  variable_ids_.emplace(std::string(name), id);
  return id;
}

Pipeline Compiler::parsePipeline(Cursor& c, bool& has_default, std::string_view& last_filter,
                                 size_t* head_end) {
  Pipeline p;
  p.expr = parseExpr(c);
  if (head_end) *head_end = c.peek().offset;
  last_filter = {};
  while (c.accept(K::kPipe)) {
    const MarkupToken name = c.expect(K::kName, "a filter name after '|'");
    std::vector<uint32_t> args;
    if (c.accept(K::kColon)) {
      do {
        if (name.text == "default" && c.atName("allow_false") && c.peek(1).kind == K::kColon) {
          // Liquid's named argument, passed as default's second argument.
          c.next();
          c.next();
          if (args.empty()) {
            Expr empty;
            empty.literal = Value::borrowed("");
            args.push_back(addExpr(std::move(empty)));
          }
          args.push_back(parseExpr(c));
          continue;
        }
        if ((c.at(K::kName) || c.at(K::kString)) && c.peek(1).kind == K::kColon)
          fail(c.peek().offset, "filter '" + std::string(name.text) +
                                    "' does not take named arguments ('" +
                                    std::string(c.peek().text) + ":')");
        args.push_back(parseExpr(c));
      } while (c.accept(K::kComma));
    }
    last_filter = name.text;
    if (name.text == "raw") {
      if (!args.empty()) fail(name.offset, "filter 'raw' takes no arguments");
      continue;  // trusted HTML: nothing to call, the output is not escaped
    }
    if (name.text == "default") has_default = true;
    const FilterSpec* spec = findFilter(name.text);
    if (!spec && name.text == "default") spec = &kBuiltinDefault;
    if (!spec) {
      std::vector<std::string> names;
      for (const auto& f : allFilters()) names.emplace_back(f.name);
      if (std::find(names.begin(), names.end(), "raw") == names.end()) names.emplace_back("raw");
      std::string msg = "unknown filter '" + std::string(name.text) + "'";
      auto close = closeMatches(std::string(name.text), names, 1);
      if (!close.empty())
        msg += "; did you mean '" + close.front() + "'?";
      else
        msg += " (filters: " + joinList(names) + ")";
      fail(name.offset, msg);
    }
    const auto n = static_cast<int>(args.size());
    if (n < spec->min_args || n > spec->max_args) {
      std::string takes;
      if (spec->max_args == 0)
        takes = "no arguments";
      else if (spec->min_args == spec->max_args)
        takes = argCount(spec->min_args);
      else if (spec->min_args + 1 == spec->max_args)
        takes = std::to_string(spec->min_args) + " or " + argCount(spec->max_args);
      else if (spec->min_args == 0)
        takes = "at most " + argCount(spec->max_args);
      else
        takes = std::to_string(spec->min_args) + " to " + argCount(spec->max_args);
      fail(name.offset, "filter '" + std::string(name.text) + "' takes " + takes + " (" +
                            std::string(spec->usage) + ")");
    }
    FilterCall call;
    call.fn = spec->fn;
    call.arg_exprs = args;
    for (uint32_t a : args) {
      if (prog_.exprs[a].kind != Expr::Kind::kLiteral) call.args_literal = false;
    }
    if (call.args_literal)
      for (uint32_t a : args) call.literal_args.push_back(prog_.exprs[a].literal);
    p.filters.push_back(std::move(call));
  }
  return p;
}

void Compiler::parseOutput(std::string_view markup, size_t offset, size_t token_offset,
                           Block& block) {
  std::vector<MarkupToken> toks;
  tokenize(markup, offset, toks);
  Cursor c(*this, std::move(toks));
  if (c.at(K::kEnd)) return;  // {{ }} renders nothing
  Output out;
  const size_t expr_start = c.peek().offset;
  std::string_view last;
  size_t expr_end = 0;
  out.pipe = parsePipeline(c, out.has_default, last, &expr_end);
  c.expectEnd("after the value: expected | and a filter, or the end of the output");
  out.escape =
      prog_.escape == Escape::kHtml && last != "raw" && last != "escape" && last != "escape_once";
  out.line = lineOf(token_offset);
  out.file = unit_->path_view;
  const Expr& head = prog_.exprs[out.pipe.expr];
  const bool variable = head.kind == Expr::Kind::kContact || head.kind == Expr::Kind::kVars ||
                        head.kind == Expr::Kind::kLocal;
  if (variable) {
    // The variable as written: from its first token to the first filter.
    std::string_view name = unit_->src.substr(expr_start, expr_end - expr_start);
    while (!name.empty() && isLiquidSpace(name.back())) name.remove_suffix(1);
    out.is_variable = true;
    out.var_id = variableId(name, expr_start, out.has_default);
  }
  prog_.outputs.push_back(std::move(out));
  block.push_back(Node{NodeKind::kOutput, static_cast<uint32_t>(prog_.outputs.size() - 1), {}});
}

uint32_t Compiler::parseCondition(Cursor& c) {
  std::vector<uint32_t> parts;
  std::vector<Cond::Kind> joins;
  for (;;) {
    Cond cond;
    cond.left = parseExpr(c);
    if (c.at(K::kCompare) || c.atName("contains")) {
      const std::string_view op = c.next().text;
      cond.kind = Cond::Kind::kCompare;
      if (op == "==")
        cond.op = Cond::Op::kEq;
      else if (op == "!=" || op == "<>")
        cond.op = Cond::Op::kNe;
      else if (op == "<")
        cond.op = Cond::Op::kLt;
      else if (op == ">")
        cond.op = Cond::Op::kGt;
      else if (op == "<=")
        cond.op = Cond::Op::kLe;
      else if (op == ">=")
        cond.op = Cond::Op::kGe;
      else
        cond.op = Cond::Op::kContains;
      cond.right = parseExpr(c);
    }
    prog_.conds.push_back(cond);
    parts.push_back(static_cast<uint32_t>(prog_.conds.size() - 1));
    if (c.atName("and") || c.atName("or")) {
      joins.push_back(c.next().text == "and" ? Cond::Kind::kAnd : Cond::Kind::kOr);
      continue;
    }
    break;
  }
  c.expectEnd(
      "in the condition: expected and, or, ==, !=, <, >, <=, >=, contains or the end of "
      "the tag");
  // Liquid joins right to left with no precedence: a and b or c is a and (b or c).
  uint32_t acc = parts.back();
  for (size_t i = parts.size() - 1; i-- > 0;) {
    Cond j;
    j.kind = joins[i];
    j.left = parts[i];
    j.right = acc;
    prog_.conds.push_back(j);
    acc = static_cast<uint32_t>(prog_.conds.size() - 1);
  }
  return acc;
}

}  // namespace herald::tmpl
