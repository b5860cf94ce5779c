#include "template/render.hpp"

#include <algorithm>
#include <new>

#include "template/html_escape.hpp"

namespace herald::tmpl {

Frame::Frame(uint32_t size) : size_(size) {
  if (size <= kInline) {
    slots_ = reinterpret_cast<Slot*>(inline_);
    for (uint32_t i = 0; i < size; ++i) new (&slots_[i]) Slot();
  } else {
    heap_.resize(size);
    slots_ = heap_.data();
  }
}

Frame::~Frame() {
  if (size_ <= kInline)
    for (uint32_t i = 0; i < size_; ++i) slots_[i].~Slot();
}

Renderer::Renderer(const Template::Program& program, const RenderContext& ctx, std::string& out,
                   RenderResult& result)
    : p_(program), ctx_(ctx), out_(out), result_(result), start_(out.size()) {
  const store::Contact* c = ctx.contact;
  env_.locale = !ctx.locale.empty()                       ? ctx.locale
                : (c && c->locale && !c->locale->empty()) ? std::string_view(*c->locale)
                                                          : std::string_view("en-US");
  env_.timezone = !ctx.timezone.empty()                         ? ctx.timezone
                  : (c && c->timezone && !c->timezone->empty()) ? std::string_view(*c->timezone)
                                                                : std::string_view("UTC");
  env_.currency = !ctx.currency.empty() ? ctx.currency : std::string_view("USD");
  env_.now_ms = ctx.now_ms;
}

bool Renderer::run() {
  out_.reserve(out_.size() + p_.literal_size + 64);
  Frame frame(p_.frame_size);
  frame_ = frame.slots();
  return block(p_.main) != Flow::kFail;
}

Renderer::Flow Renderer::fail(RenderResult::Status status, std::string message) {
  if (result_.status == RenderResult::Status::kOk) {
    result_.status = status;
    result_.error = std::move(message);
  }
  return Flow::kFail;
}

namespace {

// A limit in bytes as messages name it: "4 MiB", "512 KiB", "1000 bytes".
std::string sizeText(size_t bytes) {
  if (bytes % (1024 * 1024) == 0) return std::to_string(bytes / (1024 * 1024)) + " MiB";
  if (bytes % 1024 == 0) return std::to_string(bytes / 1024) + " KiB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace

Renderer::Flow Renderer::failSize() {
  return fail(RenderResult::Status::kLimit,
              "the output is larger than " + sizeText(p_.limits.max_output_bytes) + " (limit)");
}

Renderer::Flow Renderer::failMemory(int line, std::string_view file) {
  return fail(RenderResult::Status::kLimit, failedAt(line, file) +
                                                ": the template holds more than " +
                                                sizeText(p_.limits.max_memory_bytes) +
                                                " in variables and filter results (limit)");
}

Renderer::Flow Renderer::hold(Slot& s, Value v, int line, std::string_view file) {
  const size_t bytes = v.footprint();
  release(s);  // the old value goes when the new one comes
  if (bytes > room()) return failMemory(line, file);
  s.value = std::move(v);
  s.set = true;
  s.bytes = bytes;
  held_ += bytes;
  return Flow::kNormal;
}

void Renderer::append(const Value& v, bool escape) {
  switch (v.kind()) {
    case Value::Kind::kString:
      if (escape)
        appendHtmlEscaped(out_, v.string());
      else
        out_.append(v.string());
      return;
    case Value::Kind::kNil:
      return;
    case Value::Kind::kBool:
    case Value::Kind::kInt:
    case Value::Kind::kDouble:
      v.appendTo(out_);
      return;
    default:
      if (!escape) {
        v.appendTo(out_);
        return;
      }
      scratch_.clear();
      v.appendTo(scratch_);
      appendHtmlEscaped(out_, scratch_);
  }
}

Renderer::Flow Renderer::block(const Block& b) {
  for (const Node& n : b) {
    Flow f = Flow::kNormal;
    switch (n.kind) {
      case NodeKind::kText:
        out_.append(n.text);
        f = checkSize();
        break;
      case NodeKind::kOutput:
        f = output(p_.outputs[n.index]);
        break;
      case NodeKind::kIf:
        f = ifNode(p_.ifs[n.index]);
        break;
      case NodeKind::kCase:
        f = caseNode(p_.cases[n.index]);
        break;
      case NodeKind::kFor:
        f = forNode(p_.fors[n.index]);
        break;
      case NodeKind::kAssign:
        f = assign(p_.assigns[n.index]);
        break;
      case NodeKind::kCapture:
        f = capture(p_.captures[n.index]);
        break;
      case NodeKind::kBreak:
        return Flow::kBreak;
      case NodeKind::kContinue:
        return Flow::kContinue;
      case NodeKind::kRender:
        f = renderPartial(p_.renders[n.index]);
        break;
      case NodeKind::kIncrement:
        f = counter(p_.counters[n.index], true);
        break;
      case NodeKind::kDecrement:
        f = counter(p_.counters[n.index], false);
        break;
      case NodeKind::kCycle:
        f = cycle(p_.cycles[n.index]);
        break;
    }
    if (f != Flow::kNormal) return f;
  }
  return Flow::kNormal;
}

Renderer::Flow Renderer::output(const Output& o) {
  Value v = eval(o.pipe.expr);
  if (o.is_variable && !o.has_default && (v.isNil() || (v.isString() && v.string().empty()))) {
    const auto& var = p_.variables[o.var_id];
    if (ctx_.undefined == Undefined::kStrict) {
      std::string where = "line " + std::to_string(o.line);
      if (!o.file.empty()) where += " of " + std::string(o.file);
      return fail(RenderResult::Status::kUndefined,
                  "undefined variable " + var.name + " (" + where + ")");
    }
    bool seen = false;
    for (uint32_t id : result_.undefined) seen = seen || id == o.var_id;
    if (!seen) result_.undefined.push_back(o.var_id);
  }
  if (!o.pipe.filters.empty() && !applyFilters(o.pipe, v, o.line, o.file)) return Flow::kFail;
  append(v, o.escape);
  return checkSize();
}

Renderer::Flow Renderer::ifNode(const IfNode& n) {
  for (const auto& b : n.branches) {
    if (test(b.cond) != b.negate) return block(b.body);
  }
  return block(n.else_body);
}

Renderer::Flow Renderer::caseNode(const CaseNode& n) {
  const Value subject = eval(n.subject);
  bool matched = false;
  for (const auto& arm : n.arms) {
    if (arm.value == kNone) {
      if (matched) continue;
    } else if (!matches(subject, arm.value)) {
      continue;
    } else {
      matched = true;
    }
    const Flow f = block(n.bodies[arm.body]);
    if (f != Flow::kNormal) return f;
  }
  return Flow::kNormal;
}

Renderer::Flow Renderer::forNode(const ForNode& n) {
  const Expr& ce = p_.exprs[n.collection];
  const bool is_range = ce.kind == Expr::Kind::kRange && ce.steps.empty();
  int64_t lo = 0, count = 0;
  Value coll;
  std::vector<Value> items;  // objects: [key, value] pairs
  if (is_range) {
    lo = eval(ce.lo).asInt();
    const int64_t hi = eval(ce.hi).asInt();
    // Past the iteration limit the count does not matter (and must not overflow).
    const uint64_t span = hi >= lo ? static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) : 0;
    count =
        hi < lo ? 0 : static_cast<int64_t>(std::min<uint64_t>(span, p_.limits.max_iterations) + 1);
  } else {
    coll = eval(n.collection);
    if (coll.isArray()) {
      count = static_cast<int64_t>(coll.size());
    } else if (coll.isObject()) {
      items = coll.items();
      count = static_cast<int64_t>(items.size());
    } else if (coll.isString()) {
      count = coll.string().empty() ? 0 : 1;
    }
  }
  int64_t from = 0;
  if (n.offset != kNone) from = std::clamp<int64_t>(eval(n.offset).asInt(), 0, count);
  int64_t to = count;
  if (n.limit != kNone) to = from + std::clamp<int64_t>(eval(n.limit).asInt(), 0, count - from);
  const int64_t length = std::max<int64_t>(0, to - from);
  if (length == 0) return block(n.else_body);

  LoopState state{loop_, 0, length};
  const LoopState* saved = loop_;
  loop_ = &state;
  Slot& slot = frame_[n.slot];
  release(slot);
  Flow result = Flow::kNormal;
  for (int64_t k = 0; k < length; ++k) {
    if (++iterations_ > p_.limits.max_iterations) {
      result = fail(RenderResult::Status::kLimit,
                    "more than " + std::to_string(p_.limits.max_iterations) + " loop iterations");
      break;
    }
    const int64_t i = n.reversed ? to - 1 - k : from + k;
    if (is_range)
      slot.value = Value::integer(lo + i);
    else if (!items.empty())
      slot.value = items[static_cast<size_t>(i)];
    else if (coll.isArray())
      slot.value = coll.at(i);
    else
      slot.value = coll;
    slot.set = true;
    state.index0 = k;
    const Flow f = block(n.body);
    if (f == Flow::kFail) {
      result = f;
      break;
    }
    if (f == Flow::kBreak) break;
  }
  loop_ = saved;
  return result;
}

Renderer::Flow Renderer::assign(const AssignNode& n) {
  Value v = eval(n.pipe.expr);
  if (!n.pipe.filters.empty() && !applyFilters(n.pipe, v, n.line, n.file)) return Flow::kFail;
  return hold(frame_[n.slot], std::move(v), n.line, n.file);
}

Renderer::Flow Renderer::capture(const CaptureNode& n) {
  const size_t mark = out_.size();
  const Flow f = block(n.body);
  if (f == Flow::kFail) return f;
  Value captured = Value::owned(out_.substr(mark));
  out_.resize(mark);
  return hold(frame_[n.slot], std::move(captured), n.line, n.file);
}

Renderer::Flow Renderer::counter(const CounterNode& n, bool increment) {
  Slot& s = frame_[n.slot];
  release(s);
  int64_t value = s.set ? s.value.asInt() : 0;
  if (!increment) --value;
  Value::integer(value).appendTo(out_);
  s.value = Value::integer(increment ? value + 1 : value);
  s.set = true;
  return checkSize();
}

Renderer::Flow Renderer::cycle(const CycleNode& n) {
  Slot& s = frame_[n.slot];
  release(s);
  const int64_t i = s.set ? s.value.asInt() : 0;
  append(eval(n.values[static_cast<size_t>(i) % n.values.size()]), p_.escape == Escape::kHtml);
  s.value = Value::integer(i + 1);
  s.set = true;
  return checkSize();
}

Renderer::Flow Renderer::renderPartial(const RenderNode& n) {
  const Partial& part = p_.partials[n.partial];
  // Arguments are evaluated in the caller's scope.
  std::vector<Value> args;
  args.reserve(n.args.size());
  for (const auto& a : n.args) args.push_back(eval(a.expr));
  Value subject;
  if (n.mode != RenderNode::Mode::kPlain) subject = eval(n.subject);

  Slot* const caller_frame = frame_;
  const LoopState* const caller_loop = loop_;
  auto once = [&](const Value* alias, const LoopState* loop) {
    Frame frame(part.frame_size);
    frame_ = frame.slots();
    loop_ = loop;
    for (size_t i = 0; i < args.size(); ++i) {
      frame_[n.args[i].slot].value = args[i];
      frame_[n.args[i].slot].set = true;
    }
    if (alias) {
      frame_[n.alias_slot].value = *alias;
      frame_[n.alias_slot].set = true;
    }
    const Flow f = block(part.body);
    for (uint32_t i = 0; i < part.frame_size; ++i) release(frame_[i]);
    frame_ = caller_frame;
    loop_ = caller_loop;
    return f == Flow::kFail ? Flow::kFail : Flow::kNormal;
  };
  if (n.mode == RenderNode::Mode::kPlain) return once(nullptr, nullptr);
  if (n.mode == RenderNode::Mode::kWith) return once(&subject, nullptr);
  std::vector<Value> items =
      subject.isArray() ? subject.items()
                        : (subject.isNil() ? std::vector<Value>{} : std::vector<Value>{subject});
  LoopState state{nullptr, 0, static_cast<int64_t>(items.size())};
  for (size_t i = 0; i < items.size(); ++i) {
    if (++iterations_ > p_.limits.max_iterations)
      return fail(RenderResult::Status::kLimit,
                  "more than " + std::to_string(p_.limits.max_iterations) + " loop iterations");
    state.index0 = static_cast<int64_t>(i);
    if (once(&items[i], &state) == Flow::kFail) return Flow::kFail;
  }
  return Flow::kNormal;
}

}  // namespace herald::tmpl
