// Expressions, conditions and filter chains at render time.
#include "template/render.hpp"

namespace herald::tmpl {

Value Renderer::contactField(ContactField field) const {
  const store::Contact* c = ctx_.contact;
  if (!c) return {};
  auto opt = [](const std::optional<std::string>& s) { return s ? Value::borrowed(*s) : Value(); };
  switch (field) {
    case ContactField::kId:
      return Value::integer(c->id);
    case ContactField::kExternalId:
      return opt(c->external_id);
    case ContactField::kEmail:
      return opt(c->email);
    case ContactField::kPhone:
      return opt(c->phone);
    case ContactField::kFirstName:
      return opt(c->first_name);
    case ContactField::kLastName:
      return opt(c->last_name);
    case ContactField::kTimezone:
      return opt(c->timezone);
    case ContactField::kLocale:
      return opt(c->locale);
    case ContactField::kTags: {
      std::vector<Value> tags;
      tags.reserve(c->tags.size());
      for (const auto& t : c->tags) tags.push_back(Value::borrowed(t));
      return Value::array(std::move(tags));
    }
    case ContactField::kAttributes:
      return Value::json(c->attributes);
  }
  return {};
}

Value Renderer::forloop(const Expr& e) const {
  const LoopState* l = loop_;
  for (uint8_t i = 0; i < e.loop_up && l; ++i) l = l->parent;
  if (!l) return {};
  switch (e.prop) {
    case LoopProp::kNone:
      return {};
    case LoopProp::kIndex:
      return Value::integer(l->index0 + 1);
    case LoopProp::kIndex0:
      return Value::integer(l->index0);
    case LoopProp::kRindex:
      return Value::integer(l->length - l->index0);
    case LoopProp::kRindex0:
      return Value::integer(l->length - l->index0 - 1);
    case LoopProp::kFirst:
      return Value::boolean(l->index0 == 0);
    case LoopProp::kLast:
      return Value::boolean(l->index0 + 1 == l->length);
    case LoopProp::kLength:
      return Value::integer(l->length);
  }
  return {};
}

Value Renderer::walk(Value v, const Expr& e, size_t from) {
  for (size_t i = from; i < e.steps.size(); ++i) {
    if (v.isNil()) return v;
    const PathStep& s = e.steps[i];
    switch (s.kind) {
      case PathStep::Kind::kKey:
        v = v.member(s.key);
        break;
      case PathStep::Kind::kIndex:
        v = v.at(s.index);
        break;
      case PathStep::Kind::kDynamic: {
        const Value k = eval(s.expr);
        if (k.isNumber())
          v = v.at(k.asInt());
        else if (k.isString())
          v = v.member(k.string());
        else
          v = Value();
        break;
      }
    }
  }
  return v;
}

Value Renderer::eval(uint32_t id) {
  const Expr& e = p_.exprs[id];
  const nlohmann::json* j = nullptr;
  switch (e.kind) {
    case Expr::Kind::kLiteral:
      return e.literal;
    case Expr::Kind::kEmpty:
    case Expr::Kind::kBlank:
      return Value::borrowed("");
    case Expr::Kind::kContact:
      if (e.field != ContactField::kAttributes) {
        if (e.steps.empty()) return contactField(e.field);
        return walk(contactField(e.field), e, 0);
      }
      if (!ctx_.contact) return {};
      j = &ctx_.contact->attributes;
      break;
    case Expr::Kind::kVars:
      if (!ctx_.vars) return {};
      j = ctx_.vars;
      break;
    case Expr::Kind::kLocal: {
      const Slot& s = frame_[e.slot];
      if (s.set) {
        j = s.value.jsonValue();
        if (!j) return e.steps.empty() ? s.value : walk(s.value, e, 0);
        break;
      }
      if (!e.global_fallback || !ctx_.globals || !ctx_.globals->is_object()) return {};
      auto it = ctx_.globals->find(e.name);
      if (it == ctx_.globals->end()) return {};
      j = &*it;
      break;
    }
    case Expr::Kind::kForloop:
      return e.steps.empty() ? forloop(e) : walk(forloop(e), e, 0);
    case Expr::Kind::kRange: {
      const int64_t lo = eval(e.lo).asInt(), hi = eval(e.hi).asInt();
      std::vector<Value> items;
      const uint64_t max = p_.limits.max_iterations;
      for (int64_t i = lo; i <= hi && items.size() <= max; ++i) {
        items.push_back(Value::integer(i));
        if (i == INT64_MAX) break;
      }
      return walk(Value::array(std::move(items)), e, 0);
    }
  }
  // Walk JSON directly while the steps are plain members and indexes; the
  // rest (size, first, last, dynamic keys) goes through Value.
  size_t i = 0;
  for (; i < e.steps.size(); ++i) {
    const PathStep& s = e.steps[i];
    if (s.kind == PathStep::Kind::kKey && j->is_object()) {
      auto it = j->find(s.key);
      if (it == j->end()) break;
      j = &*it;
    } else if (s.kind == PathStep::Kind::kIndex && j->is_array()) {
      const auto n = static_cast<int64_t>(j->size());
      const int64_t k = s.index < 0 ? s.index + n : s.index;
      if (k < 0 || k >= n) return {};
      j = &(*j)[static_cast<size_t>(k)];
    } else {
      break;
    }
  }
  if (i == e.steps.size()) return Value::json(*j);
  return walk(Value::json(*j), e, i);
}

bool Renderer::test(uint32_t id) {
  const Cond& c = p_.conds[id];
  switch (c.kind) {
    case Cond::Kind::kAnd:
      return test(c.left) && test(c.right);
    case Cond::Kind::kOr:
      return test(c.left) || test(c.right);
    case Cond::Kind::kTruthy: {
      const auto k = p_.exprs[c.left].kind;
      if (k == Expr::Kind::kEmpty || k == Expr::Kind::kBlank) return true;
      return eval(c.left).truthy();
    }
    case Cond::Kind::kCompare:
      return compare(c.op, c.left, c.right);
  }
  return false;
}

namespace {

// Liquid's `x == empty` / `x == blank`: empty is "", [] or {}; blank also
// nil, false and whitespace-only strings.
bool isEmptyLike(const Value& v, Expr::Kind literal) {
  if (literal == Expr::Kind::kEmpty) return v.empty();
  if (v.isString()) {
    for (char ch : v.string())
      if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r' && ch != '\f' && ch != '\v')
        return false;
    return true;
  }
  return v.blank();
}

bool special(Expr::Kind k) { return k == Expr::Kind::kEmpty || k == Expr::Kind::kBlank; }

}  // namespace

bool Renderer::compare(Cond::Op op, uint32_t left, uint32_t right) {
  const Expr::Kind lk = p_.exprs[left].kind, rk = p_.exprs[right].kind;
  if ((op == Cond::Op::kEq || op == Cond::Op::kNe) && (special(lk) || special(rk))) {
    bool eq;
    if (special(lk) && special(rk))
      eq = lk == rk;
    else if (special(rk))
      eq = isEmptyLike(eval(left), rk);
    else
      eq = isEmptyLike(eval(right), lk);
    return op == Cond::Op::kEq ? eq : !eq;
  }
  const Value l = eval(left);
  const Value r = eval(right);
  switch (op) {
    case Cond::Op::kEq:
      return l.equals(r);
    case Cond::Op::kNe:
      return !l.equals(r);
    case Cond::Op::kContains:
      return l.contains(r);
    default:
      break;
  }
  const auto c = l.compare(r);
  if (!c) return false;
  switch (op) {
    case Cond::Op::kLt:
      return *c < 0;
    case Cond::Op::kGt:
      return *c > 0;
    case Cond::Op::kLe:
      return *c <= 0;
    case Cond::Op::kGe:
      return *c >= 0;
    default:
      return false;
  }
}

bool Renderer::matches(const Value& subject, uint32_t when) {
  const Expr::Kind k = p_.exprs[when].kind;
  if (special(k)) return isEmptyLike(subject, k);
  return subject.equals(eval(when));
}

bool Renderer::applyFilters(const Pipeline& p, Value& v, int line, std::string_view file) {
  env_.room = room();  // what the slots hold does not change along a pipeline
  for (const FilterCall& f : p.filters) {
    std::span<const Value> args;
    if (f.args_literal) {
      args = f.literal_args;
    } else {
      args_.clear();
      for (uint32_t a : f.arg_exprs) args_.push_back(eval(a));
      args = args_;
    }
    v = f.fn(v, args, env_);
    if (env_.over_memory || v.footprint() > env_.room) {
      failMemory(line, file);
      return false;
    }
    if (!env_.error.empty()) {
      fail(RenderResult::Status::kError, failedAt(line, file) + ": " + env_.error);
      return false;
    }
  }
  return true;
}

}  // namespace herald::tmpl
