#pragma once
// The compiled form of a template (Template::Program): blocks of nodes whose
// text is views into program-owned sources, expressions with their variable
// roots resolved (contact fields, journey vars, local slots, forloop), filter
// function pointers with literal arguments pre-built. Immutable once
// compiled; rendering only reads it.
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "template/filters.hpp"
#include "template/template.hpp"
#include "template/value.hpp"

namespace herald::tmpl {

enum class ContactField : uint8_t {
  kId,
  kExternalId,
  kEmail,
  kPhone,
  kFirstName,
  kLastName,
  kTimezone,
  kLocale,
  kTags,
  kAttributes,
};

enum class LoopProp : uint8_t {
  kNone,  // `forloop` itself (renders nothing)
  kIndex,
  kIndex0,
  kRindex,
  kRindex0,
  kFirst,
  kLast,
  kLength,
};

constexpr uint32_t kNone = UINT32_MAX;

// One step below a variable's root: .key, [0], [expr].
struct PathStep {
  enum class Kind : uint8_t { kKey, kIndex, kDynamic };
  Kind kind = Kind::kKey;
  int64_t index = 0;
  uint32_t expr = kNone;  // kDynamic
  std::string_view key;   // kKey: a view into the program's sources
};

struct Expr {
  enum class Kind : uint8_t {
    kLiteral,
    kEmpty,    // the `empty` literal
    kBlank,    // the `blank` literal
    kContact,  // a contact field
    kVars,     // RenderContext::vars
    kLocal,    // a slot of the current frame, else RenderContext::globals[name]
    kForloop,  // forloop.PROP (parentloop `loop_up` times)
    kRange,    // (lo..hi)
  };
  Kind kind = Kind::kLiteral;
  ContactField field = ContactField::kId;
  LoopProp prop = LoopProp::kNone;
  uint8_t loop_up = 0;
  bool global_fallback = true;      // kLocal: read globals when the slot is unset
  uint32_t slot = kNone;            // kLocal
  uint32_t lo = kNone, hi = kNone;  // kRange
  std::string_view name;            // kLocal: the root name
  Value literal;                    // kLiteral
  std::vector<PathStep> steps;
};

struct FilterCall {
  FilterFn fn = nullptr;
  std::vector<uint32_t> arg_exprs;
  std::vector<Value> literal_args;  // all arguments, when every one is a literal
  bool args_literal = true;
};

// An expression and its filters: outputs, assign, echo.
struct Pipeline {
  uint32_t expr = kNone;
  std::vector<FilterCall> filters;
};

struct Output {
  Pipeline pipe;
  bool escape = false;       // HTML-escape the result
  bool is_variable = false;  // the head is a variable (undefined-checked)
  bool has_default = false;
  uint32_t var_id = kNone;  // index into Program::variables
  int line = 0;
  std::string_view file;  // the partial's path; empty in the template itself
};

// Conditions: comparisons joined by and/or (right to left, as Liquid does).
struct Cond {
  enum class Kind : uint8_t { kTruthy, kCompare, kAnd, kOr };
  enum class Op : uint8_t { kEq, kNe, kLt, kGt, kLe, kGe, kContains };
  Kind kind = Kind::kTruthy;
  Op op = Op::kEq;
  uint32_t left = kNone, right = kNone;  // expressions (kTruthy, kCompare) or conditions
};

enum class NodeKind : uint8_t {
  kText,
  kOutput,
  kIf,
  kCase,
  kFor,
  kAssign,
  kCapture,
  kBreak,
  kContinue,
  kRender,
  kIncrement,
  kDecrement,
  kCycle,
};

struct Node {
  NodeKind kind = NodeKind::kText;
  uint32_t index = 0;     // into the Program vector for the kind
  std::string_view text;  // kText
};
using Block = std::vector<Node>;

struct IfNode {
  struct Branch {
    uint32_t cond = kNone;
    bool negate = false;  // unless
    Block body;
  };
  std::vector<Branch> branches;
  Block else_body;
  bool blank = false;  // only whitespace and assign/capture: renders no text (Liquid)
};

struct CaseNode {
  struct Arm {
    uint32_t value = kNone;  // kNone: else
    uint32_t body = 0;       // into bodies
  };
  uint32_t subject = kNone;
  std::vector<Arm> arms;
  std::vector<Block> bodies;
  bool blank = false;
};

struct ForNode {
  uint32_t slot = 0;
  uint32_t collection = kNone;
  uint32_t limit = kNone, offset = kNone;
  bool reversed = false;
  Block body;
  Block else_body;
  bool blank = false;
};

struct AssignNode {
  uint32_t slot = 0;
  Pipeline pipe;
  int line = 0;
  std::string_view file;
};

struct CaptureNode {
  uint32_t slot = 0;
  Block body;
  int line = 0;
  std::string_view file;
};

struct CounterNode {  // increment / decrement
  uint32_t slot = 0;
};

struct CycleNode {
  uint32_t slot = 0;  // the group's position
  std::vector<uint32_t> values;
};

struct Partial {
  std::string name;
  Block body;
  uint32_t frame_size = 0;
  uint32_t depth = 0;  // deepest nesting inside
};

struct RenderNode {
  uint32_t partial = 0;
  struct Arg {
    uint32_t slot = 0;  // in the partial's frame
    uint32_t expr = kNone;
  };
  std::vector<Arg> args;
  enum class Mode : uint8_t { kPlain, kWith, kFor };
  Mode mode = Mode::kPlain;
  uint32_t subject = kNone;  // with/for
  uint32_t alias_slot = 0;   // in the partial's frame
};

struct Template::Program {
  std::deque<std::string> sources;  // the template and its partials
  Block main;
  uint32_t frame_size = 0;
  size_t literal_size = 0;  // bytes of literal text, to reserve
  bool constant = false;
  Escape escape = Escape::kNone;
  Limits limits;
  std::vector<Expr> exprs;
  std::vector<Cond> conds;
  std::vector<Output> outputs;
  std::vector<IfNode> ifs;
  std::vector<CaseNode> cases;
  std::vector<ForNode> fors;
  std::vector<AssignNode> assigns;
  std::vector<CaptureNode> captures;
  std::vector<CounterNode> counters;
  std::vector<CycleNode> cycles;
  std::vector<RenderNode> renders;
  std::vector<Partial> partials;
  std::vector<Template::Variable> variables;
};

}  // namespace herald::tmpl
