#pragma once
// Renders a Template::Program for one RenderContext: walks the blocks,
// evaluates expressions (evaluate.cpp) and appends to the caller's string.
// No parsing, no maps (but JSON object members), no exceptions.
#include <string>
#include <string_view>
#include <vector>

#include "template/program.hpp"

namespace herald::tmpl {

// A local variable: assign, capture, for, render arguments, counters.
struct Slot {
  Value value;
  bool set = false;
  size_t bytes = 0;  // value.footprint() when assign or capture set it, else 0
};

// The slots of one template or partial; small frames live on the stack.
class Frame {
 public:
  explicit Frame(uint32_t size);
  ~Frame();
  Frame(const Frame&) = delete;
  Frame& operator=(const Frame&) = delete;
  Slot* slots() { return slots_; }

 private:
  static constexpr uint32_t kInline = 8;
  alignas(Slot) unsigned char inline_[kInline * sizeof(Slot)];
  std::vector<Slot> heap_;
  Slot* slots_ = nullptr;
  uint32_t size_ = 0;
};

// Where a filter or a limit failed, as reasons start: "line 3", or
// "templates/footer.liquid line 3" inside a partial.
inline std::string failedAt(int line, std::string_view file) {
  std::string where = "line " + std::to_string(line);
  if (!file.empty()) where = std::string(file) + " " + where;
  return where;
}

struct LoopState {
  const LoopState* parent = nullptr;
  int64_t index0 = 0;
  int64_t length = 0;
};

class Renderer {
 public:
  Renderer(const Template::Program& program, const RenderContext& ctx, std::string& out,
           RenderResult& result);
  bool run();

 private:
  enum class Flow : unsigned char { kNormal, kBreak, kContinue, kFail };

  Flow block(const Block& b);
  Flow output(const Output& o);
  Flow ifNode(const IfNode& n);
  Flow caseNode(const CaseNode& n);
  Flow forNode(const ForNode& n);
  Flow assign(const AssignNode& n);
  Flow capture(const CaptureNode& n);
  Flow counter(const CounterNode& n, bool increment);
  Flow cycle(const CycleNode& n);
  Flow renderPartial(const RenderNode& n);
  Flow checkSize() {
    return out_.size() - start_ <= p_.limits.max_output_bytes ? Flow::kNormal : failSize();
  }
  Flow failSize();
  Flow failMemory(int line, std::string_view file);
  Flow fail(RenderResult::Status status, std::string message);
  // Limits::max_memory_bytes less what the slots hold.
  size_t room() const {
    return held_ < p_.limits.max_memory_bytes ? p_.limits.max_memory_bytes - held_ : 0;
  }
  // Sets an assigned or captured slot, counting what it holds; kFail when
  // the render would then hold more than the memory limit.
  Flow hold(Slot& s, Value v, int line, std::string_view file);
  // A slot about to be set by something the limit does not count (a loop
  // variable, a counter): what it held is freed.
  void release(Slot& s) {
    held_ -= s.bytes;
    s.bytes = 0;
  }
  void append(const Value& v, bool escape);

  // evaluate.cpp
  Value eval(uint32_t expr);
  Value walk(Value v, const Expr& e, size_t from);
  Value contactField(ContactField field) const;
  Value forloop(const Expr& e) const;
  bool test(uint32_t cond);
  bool compare(Cond::Op op, uint32_t left, uint32_t right);
  bool matches(const Value& subject, uint32_t when);
  bool applyFilters(const Pipeline& p, Value& v, int line, std::string_view file);

  const Template::Program& p_;
  const RenderContext& ctx_;
  std::string& out_;
  RenderResult& result_;
  size_t start_ = 0;
  uint64_t iterations_ = 0;
  size_t held_ = 0;  // the bytes of every Slot::bytes in the live frames
  Slot* frame_ = nullptr;
  const LoopState* loop_ = nullptr;
  FilterEnv env_;
  std::vector<Value> args_;  // filter arguments that are not literals
  std::string scratch_;      // arrays and objects printed before escaping
};

}  // namespace herald::tmpl
