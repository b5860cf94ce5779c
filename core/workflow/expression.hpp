#pragma once
// The condition language of `condition` steps, compiled once when a workflow
// is loaded and evaluated per contact on the hot path (no allocation beyond
// what reading the contact needs, no exceptions).
//
//   contact.locale == 'ko-KR' and attributes.orders >= 2
//   'vip' in tags or not exists(contact.phone)
//   vars.score > 8 and contact.email contains '@shop.example'
//
// Operands: contact.{email,phone,locale,timezone,first_name,last_name,
// external_id}, attributes.NAME (also contact.attributes.NAME, nested with
// dots), vars.NAME (journey variables), event.NAME (the event that started
// the journey: event.type, event.at, event.properties.NAME; event-triggered
// workflows only), input.NAME (an API run's input for the contact), tags. Literals: numbers,
// 'single' or "double" quoted strings, true, false, null, lists [a, b]. Operators (lowest
// precedence first): or; and; not; == != < <= > >= in contains; parentheses;
// exists(x). A missing value is null; every comparison involving null is false
// except `x == null` / `x != null`; a null in a boolean context is false.
#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "store/records.hpp"

namespace herald::workflow {

struct ExprError {
  size_t offset = 0;  // 0-based byte offset into the expression text
  std::string message;
};

namespace expr_detail {
struct Node;
}

// A compiled condition. Cheap to copy (shares its immutable tree); safe to
// evaluate from several threads at once.
class Expr {
 public:
  // Compiles `text`; nullopt (and `error` filled when given) when malformed.
  static std::optional<Expr> parse(std::string_view text, ExprError* error = nullptr);

  const std::string& text() const { return text_; }
  // Where the condition first names `event` / `input` (validation allows
  // them only where the trigger provides them).
  std::optional<size_t> eventOffset() const { return event_offset_; }
  std::optional<size_t> inputOffset() const { return input_offset_; }

 private:
  friend bool evaluate(const Expr& expr, const store::Contact& contact, const nlohmann::json& vars,
                       const nlohmann::json& context);
  std::string text_;
  std::optional<size_t> event_offset_, input_offset_;
  std::shared_ptr<const expr_detail::Node> root_;
};

// True when the condition holds for this contact and journey variables
// (`vars` is the journey's variable object; null or non-object = no variables).
bool evaluate(const Expr& expr, const store::Contact& contact, const nlohmann::json& vars);
// The same with what started the journey: {"event": {...}} / {"input": {...}}.
bool evaluate(const Expr& expr, const store::Contact& contact, const nlohmann::json& vars,
              const nlohmann::json& context);

}  // namespace herald::workflow
