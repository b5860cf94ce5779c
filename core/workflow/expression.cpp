#include "workflow/expression.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string_view>
#include <vector>

namespace herald::workflow {
namespace expr_detail {

enum class Field { kEmail, kPhone, kLocale, kTimezone, kFirstName, kLastName, kExternalId };

struct FieldName {
  const char* name;
  Field field;
};
constexpr FieldName kFields[] = {
    {"email", Field::kEmail},           {"phone", Field::kPhone},
    {"locale", Field::kLocale},         {"timezone", Field::kTimezone},
    {"first_name", Field::kFirstName},  {"last_name", Field::kLastName},
    {"external_id", Field::kExternalId}};

enum class Op {
  kLiteral,
  kField,      // contact.<field>
  kAttribute,  // attributes.<path>
  kVar,        // vars.<path>
  kContext,    // event.<path>, input.<path>: what started the journey
  kTags,
  kList,
  kNot,
  kAnd,
  kOr,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kIn,
  kNotIn,
  kContains,
  kExists,
};

struct Node {
  Op op = Op::kLiteral;
  nlohmann::json literal;                         // kLiteral
  Field field = Field::kEmail;                    // kField
  std::vector<std::string> path;                  // kAttribute, kVar
  std::vector<std::shared_ptr<const Node>> kids;  // operands, list items
  bool null_literal_operand = false;              // kEq/kNe against a literal null
};

}  // namespace expr_detail

namespace {

using expr_detail::Field;
using expr_detail::Node;
using expr_detail::Op;
using NodePtr = std::shared_ptr<const Node>;

// ---------------------------------------------------------------- lexing

enum class Tok {
  kEnd,
  kIdent,  // also keywords; the parser reads the text
  kNumber,
  kString,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
};

struct Token {
  Tok kind = Tok::kEnd;
  size_t offset = 0;
  std::string text;  // identifier text, or the decoded string literal
  double number = 0;
};

struct ParseFailure {
  size_t offset;
  std::string message;
};

bool isIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool isIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Token next() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    Token t;
    t.offset = pos_;
    if (pos_ >= text_.size()) return t;
    const char c = text_[pos_];
    auto two = [&](char second) { return pos_ + 1 < text_.size() && text_[pos_ + 1] == second; };
    if (isIdentStart(c)) {
      // A dotted path is one token: contact.first_name, attributes.address.city
      size_t end = pos_;
      while (true) {
        if (end >= text_.size() || !isIdentStart(text_[end]))
          throw ParseFailure{end, "expected a name after '.'"};
        while (end < text_.size() && isIdentChar(text_[end])) ++end;
        if (end < text_.size() && text_[end] == '.') {
          ++end;
          continue;
        }
        break;
      }
      t.kind = Tok::kIdent;
      t.text = std::string(text_.substr(pos_, end - pos_));
      pos_ = end;
      return t;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        ((c == '-' || c == '.') && pos_ + 1 < text_.size() &&
         std::isdigit(static_cast<unsigned char>(text_[pos_ + 1])))) {
      size_t end = pos_ + 1;
      while (end < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '.'))
        ++end;
      const std::string num(text_.substr(pos_, end - pos_));
      double v = 0;
      auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
      if (ec != std::errc() || p != num.data() + num.size())
        throw ParseFailure{pos_, "malformed number '" + num + "'"};
      t.kind = Tok::kNumber;
      t.number = v;
      pos_ = end;
      return t;
    }
    if (c == '\'' || c == '"') {
      std::string value;
      size_t i = pos_ + 1;
      while (true) {
        if (i >= text_.size())
          throw ParseFailure{pos_, std::string("unterminated string: missing closing ") + c};
        const char d = text_[i];
        if (d == c) break;
        if (d == '\\' && i + 1 < text_.size()) {
          const char e = text_[i + 1];
          if (e == 'n')
            value += '\n';
          else if (e == 't')
            value += '\t';
          else
            value += e;
          i += 2;
          continue;
        }
        value += d;
        ++i;
      }
      t.kind = Tok::kString;
      t.text = std::move(value);
      pos_ = i + 1;
      return t;
    }
    switch (c) {
      case '(':
        t.kind = Tok::kLParen;
        break;
      case ')':
        t.kind = Tok::kRParen;
        break;
      case '[':
        t.kind = Tok::kLBracket;
        break;
      case ']':
        t.kind = Tok::kRBracket;
        break;
      case ',':
        t.kind = Tok::kComma;
        break;
      case '=':
        if (!two('=')) throw ParseFailure{pos_, "use '==' to compare, not '='"};
        t.kind = Tok::kEq;
        ++pos_;
        break;
      case '!':
        if (!two('=')) throw ParseFailure{pos_, "use 'not' instead of '!'"};
        t.kind = Tok::kNe;
        ++pos_;
        break;
      case '<':
        if (two('=')) {
          t.kind = Tok::kLe;
          ++pos_;
        } else if (two('>')) {
          throw ParseFailure{pos_, "use '!=' instead of '<>'"};
        } else {
          t.kind = Tok::kLt;
        }
        break;
      case '>':
        if (two('=')) {
          t.kind = Tok::kGe;
          ++pos_;
        } else {
          t.kind = Tok::kGt;
        }
        break;
      case '&':
        throw ParseFailure{pos_, "use 'and' instead of '&&'"};
      case '|':
        throw ParseFailure{pos_, "use 'or' instead of '||'"};
      default:
        throw ParseFailure{pos_, std::string("unexpected character '") + c + "'"};
    }
    ++pos_;
    return t;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// ---------------------------------------------------------------- parsing

std::string describe(const Token& t) {
  switch (t.kind) {
    case Tok::kEnd:
      return "the end of the expression";
    case Tok::kIdent:
      return "'" + t.text + "'";
    case Tok::kNumber:
      return "a number";
    case Tok::kString:
      return "a string";
    case Tok::kLParen:
      return "'('";
    case Tok::kRParen:
      return "')'";
    case Tok::kLBracket:
      return "'['";
    case Tok::kRBracket:
      return "']'";
    case Tok::kComma:
      return "','";
    case Tok::kEq:
      return "'=='";
    case Tok::kNe:
      return "'!='";
    case Tok::kLt:
      return "'<'";
    case Tok::kLe:
      return "'<='";
    case Tok::kGt:
      return "'>'";
    case Tok::kGe:
      return "'>='";
  }
  return "?";
}

std::vector<std::string> split(const std::string& dotted) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t dot = dotted.find('.', start);
    parts.push_back(dotted.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

std::string knownFields() {
  std::string out;
  for (const auto& f : expr_detail::kFields) {
    if (!out.empty()) out += ", ";
    out += f.name;
  }
  return out + ", attributes.NAME";
}

class Parser {
 public:
  explicit Parser(std::string_view text) : lexer_(text) { advance(); }

  NodePtr parseAll() {
    if (cur_.kind == Tok::kEnd) throw ParseFailure{0, "the condition is empty"};
    NodePtr n = parseOr();
    if (cur_.kind != Tok::kEnd) {
      throw ParseFailure{
          cur_.offset, "expected 'and', 'or' or the end of the condition, found " + describe(cur_)};
    }
    return n;
  }

 private:
  void advance() { cur_ = lexer_.next(); }
  bool isWord(const char* w) const { return cur_.kind == Tok::kIdent && cur_.text == w; }

  NodePtr binary(Op op, NodePtr a, NodePtr b) {
    // A long and/or chain builds a deep tree; evaluating (and freeing) it
    // recurses, so its size is bounded like nesting is.
    if (++operators_ > kMaxOperators)
      throw ParseFailure{cur_.offset, "the condition has more than " +
                                          std::to_string(kMaxOperators) +
                                          " operators; split it into several condition steps"};
    auto n = std::make_shared<Node>();
    n->op = op;
    n->null_literal_operand = (a->op == Op::kLiteral && a->literal.is_null()) ||
                              (b->op == Op::kLiteral && b->literal.is_null());
    n->kids = {std::move(a), std::move(b)};
    return n;
  }

  NodePtr parseOr() {
    NodePtr left = parseAnd();
    while (isWord("or")) {
      advance();
      left = binary(Op::kOr, left, parseAnd());
    }
    return left;
  }

  NodePtr parseAnd() {
    NodePtr left = parseNot();
    while (isWord("and")) {
      advance();
      left = binary(Op::kAnd, left, parseNot());
    }
    return left;
  }

  // Bounds recursion so that a pathological condition is an error, not a
  // stack overflow.
  struct Nest {
    explicit Nest(Parser& p) : parser(p) {
      if (++parser.depth_ > kMaxDepth)
        throw ParseFailure{parser.cur_.offset, "the condition nests too deeply"};
    }
    ~Nest() { --parser.depth_; }
    Parser& parser;
  };
  static constexpr int kMaxDepth = 100;

  NodePtr parseNot() {
    Nest nest(*this);
    if (isWord("not")) {
      advance();
      auto n = std::make_shared<Node>();
      n->op = Op::kNot;
      n->kids = {parseNot()};
      return n;
    }
    return parseComparison();
  }

  NodePtr parseComparison() {
    NodePtr left = parsePrimary();
    Op op;
    switch (cur_.kind) {
      case Tok::kEq:
        op = Op::kEq;
        break;
      case Tok::kNe:
        op = Op::kNe;
        break;
      case Tok::kLt:
        op = Op::kLt;
        break;
      case Tok::kLe:
        op = Op::kLe;
        break;
      case Tok::kGt:
        op = Op::kGt;
        break;
      case Tok::kGe:
        op = Op::kGe;
        break;
      case Tok::kIdent:
        if (cur_.text == "in") {
          op = Op::kIn;
        } else if (cur_.text == "contains") {
          op = Op::kContains;
        } else if (cur_.text == "not") {
          advance();
          if (!isWord("in")) throw ParseFailure{cur_.offset, "expected 'in' after 'not'"};
          op = Op::kNotIn;
        } else {
          return left;
        }
        break;
      default:
        return left;
    }
    advance();
    NodePtr right = parsePrimary();
    switch (cur_.kind) {
      case Tok::kEq:
      case Tok::kNe:
      case Tok::kLt:
      case Tok::kLe:
      case Tok::kGt:
      case Tok::kGe:
        throw ParseFailure{cur_.offset,
                           "comparisons cannot be chained; join them with 'and' or 'or'"};
      default:
        break;
    }
    return binary(op, left, right);
  }

  NodePtr literal(nlohmann::json v) {
    auto n = std::make_shared<Node>();
    n->op = Op::kLiteral;
    n->literal = std::move(v);
    advance();
    return n;
  }

  NodePtr parsePrimary() {
    Nest nest(*this);
    const Token t = cur_;
    switch (t.kind) {
      case Tok::kNumber:
        return literal(t.number);
      case Tok::kString:
        return literal(t.text);
      case Tok::kLParen: {
        advance();
        NodePtr inner = parseOr();
        if (cur_.kind != Tok::kRParen)
          throw ParseFailure{cur_.offset, "expected ')', found " + describe(cur_)};
        advance();
        return inner;
      }
      case Tok::kLBracket: {
        advance();
        auto n = std::make_shared<Node>();
        n->op = Op::kList;
        if (cur_.kind != Tok::kRBracket) {
          while (true) {
            n->kids.push_back(parsePrimary());
            if (cur_.kind == Tok::kComma) {
              advance();
              continue;
            }
            if (cur_.kind == Tok::kRBracket) break;
            throw ParseFailure{cur_.offset,
                               "expected ',' or ']' in the list, found " + describe(cur_)};
          }
        }
        advance();
        return n;
      }
      case Tok::kIdent:
        return parseName(t);
      case Tok::kEnd:
        throw ParseFailure{t.offset, "the condition ends too early: expected a value"};
      default:
        throw ParseFailure{t.offset, "expected a value, found " + describe(t)};
    }
  }

  NodePtr parseName(const Token& t) {
    if (t.text == "true") return literal(true);
    if (t.text == "false") return literal(false);
    if (t.text == "null") return literal(nullptr);
    if (t.text == "exists") {
      advance();
      if (cur_.kind != Tok::kLParen)
        throw ParseFailure{cur_.offset, "expected '(' after exists, as in exists(contact.phone)"};
      advance();
      const Token arg = cur_;
      if (arg.kind != Tok::kIdent || arg.text == "true" || arg.text == "false" ||
          arg.text == "null" || arg.text == "exists")
        throw ParseFailure{arg.offset, "exists() takes a field, as in exists(attributes.plan)"};
      NodePtr path = parseName(arg);
      if (cur_.kind != Tok::kRParen)
        throw ParseFailure{cur_.offset, "expected ')', found " + describe(cur_)};
      advance();
      auto n = std::make_shared<Node>();
      n->op = Op::kExists;
      n->kids = {path};
      return n;
    }
    for (const char* kw : {"and", "or", "not", "in", "contains"}) {
      if (t.text == kw) throw ParseFailure{t.offset, "expected a value before '" + t.text + "'"};
    }
    std::vector<std::string> parts = split(t.text);
    auto n = std::make_shared<Node>();
    std::string_view root = parts[0];
    size_t first = 1;
    if (root == "contact" && parts.size() >= 2 && parts[1] == "attributes") {
      root = "attributes";
      first = 2;
    } else if (root == "contact" && parts.size() >= 2 && parts[1] == "tags") {
      root = "tags";
      first = 2;
    }
    if (root == "contact") {
      if (parts.size() != 2)
        throw ParseFailure{
            t.offset, "expected a contact field such as contact.email; known: " + knownFields()};
      bool found = false;
      for (const auto& f : expr_detail::kFields) {
        if (parts[1] == f.name) {
          n->field = f.field;
          found = true;
        }
      }
      if (!found)
        throw ParseFailure{t.offset + 8,
                           "unknown contact field '" + parts[1] + "'; known: " + knownFields()};
      n->op = Op::kField;
    } else if (root == "event" || root == "input") {
      n->op = Op::kContext;
      n->path.assign(parts.begin(), parts.end());
      auto& first_use = root == "event" ? event_offset_ : input_offset_;
      if (!first_use) first_use = t.offset;
    } else if (root == "attributes" || root == "vars") {
      if (parts.size() <= first)
        throw ParseFailure{t.offset, "expected " + std::string(root) + ".NAME, as in " +
                                         std::string(root) + ".plan"};
      n->op = root == "vars" ? Op::kVar : Op::kAttribute;
      n->path.assign(parts.begin() + static_cast<std::ptrdiff_t>(first), parts.end());
    } else if (root == "tags") {
      if (parts.size() != first)
        throw ParseFailure{t.offset, "tags is a list; test it with 'vip' in tags"};
      n->op = Op::kTags;
    } else {
      throw ParseFailure{t.offset,
                         "unknown name '" + t.text +
                             "'; use contact.FIELD, attributes.NAME, vars.NAME, event.NAME, "
                             "input.NAME, tags, a quoted string, a number, true, "
                             "false or null"};
    }
    advance();
    return n;
  }

 public:
  std::optional<size_t> event_offset_, input_offset_;

 private:
  Lexer lexer_;
  Token cur_;
  int depth_ = 0;
  int operators_ = 0;
  static constexpr int kMaxOperators = 1000;
};

// ---------------------------------------------------------------- evaluation

struct Value {
  enum class Kind { kNull, kBool, kNumber, kString, kJsonArray, kJsonObject, kTags, kList };
  Kind kind = Kind::kNull;
  bool b = false;
  double n = 0;
  std::string_view s;
  const nlohmann::json* j = nullptr;
  const std::vector<std::string>* tags = nullptr;
  const Node* list = nullptr;
};

struct Env {
  const store::Contact& contact;
  const nlohmann::json& vars;
  const nlohmann::json& context;
};

Value fromJson(const nlohmann::json& j) {
  Value v;
  switch (j.type()) {
    case nlohmann::json::value_t::boolean:
      v.kind = Value::Kind::kBool;
      v.b = j.get<bool>();
      break;
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      v.kind = Value::Kind::kNumber;
      v.n = j.get<double>();
      break;
    case nlohmann::json::value_t::string:
      v.kind = Value::Kind::kString;
      v.s = j.get_ref<const std::string&>();
      break;
    case nlohmann::json::value_t::array:
      v.kind = Value::Kind::kJsonArray;
      v.j = &j;
      break;
    case nlohmann::json::value_t::object:
      v.kind = Value::Kind::kJsonObject;
      v.j = &j;
      break;
    default:
      break;
  }
  return v;
}

Value walk(const nlohmann::json& root, const std::vector<std::string>& path) {
  const nlohmann::json* cur = &root;
  for (const auto& key : path) {
    if (!cur->is_object()) return {};
    auto it = cur->find(key);
    if (it == cur->end()) return {};
    cur = &*it;
  }
  return fromJson(*cur);
}

Value fieldValue(const store::Contact& c, Field f) {
  const std::optional<std::string>* o = nullptr;
  switch (f) {
    case Field::kEmail:
      o = &c.email;
      break;
    case Field::kPhone:
      o = &c.phone;
      break;
    case Field::kLocale:
      o = &c.locale;
      break;
    case Field::kTimezone:
      o = &c.timezone;
      break;
    case Field::kFirstName:
      o = &c.first_name;
      break;
    case Field::kLastName:
      o = &c.last_name;
      break;
    case Field::kExternalId:
      o = &c.external_id;
      break;
  }
  Value v;
  if (o && o->has_value()) {
    v.kind = Value::Kind::kString;
    v.s = **o;
  }
  return v;
}

bool truthy(const Env& env, const Node& n);
Value eval(const Env& env, const Node& n);

bool isList(const Value& v) {
  return v.kind == Value::Kind::kJsonArray || v.kind == Value::Kind::kTags ||
         v.kind == Value::Kind::kList;
}

bool equal(const Env& env, const Value& a, const Value& b);

// Calls f(element) for each element of a list value until f returns true.
template <typename F>
bool anyElement(const Env& env, const Value& list, F&& f) {
  switch (list.kind) {
    case Value::Kind::kJsonArray:
      for (const auto& e : *list.j)
        if (f(fromJson(e))) return true;
      return false;
    case Value::Kind::kTags:
      for (const auto& t : *list.tags) {
        Value v;
        v.kind = Value::Kind::kString;
        v.s = t;
        if (f(v)) return true;
      }
      return false;
    case Value::Kind::kList:
      for (const auto& k : list.list->kids)
        if (f(eval(env, *k))) return true;
      return false;
    default:
      return false;
  }
}

size_t listSize(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kJsonArray:
      return v.j->size();
    case Value::Kind::kTags:
      return v.tags->size();
    case Value::Kind::kList:
      return v.list->kids.size();
    default:
      return 0;
  }
}

bool equal(const Env& env, const Value& a, const Value& b) {
  if (isList(a) && isList(b)) {
    if (listSize(a) != listSize(b)) return false;
    // Same size and every element of a is in b: enough for the small lists
    // a condition deals with (tags, literal lists).
    return !anyElement(env, a, [&](const Value& x) {
      return !anyElement(env, b, [&](const Value& y) { return equal(env, x, y); });
    });
  }
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Value::Kind::kNull:
      return true;
    case Value::Kind::kBool:
      return a.b == b.b;
    case Value::Kind::kNumber:
      return a.n == b.n;
    case Value::Kind::kString:
      return a.s == b.s;
    case Value::Kind::kJsonObject:
      return *a.j == *b.j;
    default:
      return false;
  }
}

// <0, 0, >0, or nullopt when the two cannot be ordered.
std::optional<int> order(const Value& a, const Value& b) {
  if (a.kind == Value::Kind::kNumber && b.kind == Value::Kind::kNumber)
    return a.n < b.n ? -1 : (a.n > b.n ? 1 : 0);
  if (a.kind == Value::Kind::kString && b.kind == Value::Kind::kString) {
    const int c = a.s.compare(b.s);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return std::nullopt;
}

bool contains(const Env& env, const Value& haystack, const Value& needle) {
  if (needle.kind == Value::Kind::kNull) return false;
  if (haystack.kind == Value::Kind::kString)
    return needle.kind == Value::Kind::kString &&
           haystack.s.find(needle.s) != std::string_view::npos;
  if (haystack.kind == Value::Kind::kJsonObject)
    return needle.kind == Value::Kind::kString && haystack.j->contains(std::string(needle.s));
  return anyElement(env, haystack, [&](const Value& e) { return equal(env, e, needle); });
}

Value boolValue(bool b) {
  Value v;
  v.kind = Value::Kind::kBool;
  v.b = b;
  return v;
}

Value eval(const Env& env, const Node& n) {
  switch (n.op) {
    case Op::kLiteral:
      return fromJson(n.literal);
    case Op::kField:
      return fieldValue(env.contact, n.field);
    case Op::kAttribute:
      return walk(env.contact.attributes, n.path);
    case Op::kVar:
      return walk(env.vars, n.path);
    case Op::kContext:
      return walk(env.context, n.path);
    case Op::kTags: {
      Value v;
      v.kind = Value::Kind::kTags;
      v.tags = &env.contact.tags;
      return v;
    }
    case Op::kList: {
      Value v;
      v.kind = Value::Kind::kList;
      v.list = &n;
      return v;
    }
    default:
      return boolValue(truthy(env, n));
  }
}

bool truthyValue(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kNull:
      return false;
    case Value::Kind::kBool:
      return v.b;
    case Value::Kind::kNumber:
      return v.n != 0;
    case Value::Kind::kString:
      return !v.s.empty();
    case Value::Kind::kJsonObject:
      return !v.j->empty();
    default:
      return listSize(v) > 0;
  }
}

bool truthy(const Env& env, const Node& n) {
  switch (n.op) {
    case Op::kNot:
      return !truthy(env, *n.kids[0]);
    case Op::kAnd:
      return truthy(env, *n.kids[0]) && truthy(env, *n.kids[1]);
    case Op::kOr:
      return truthy(env, *n.kids[0]) || truthy(env, *n.kids[1]);
    case Op::kExists: {
      const Value v = eval(env, *n.kids[0]);
      if (v.kind == Value::Kind::kTags) return !v.tags->empty();
      return v.kind != Value::Kind::kNull;
    }
    case Op::kEq:
    case Op::kNe: {
      const Value a = eval(env, *n.kids[0]);
      const Value b = eval(env, *n.kids[1]);
      const bool a_null = a.kind == Value::Kind::kNull;
      const bool b_null = b.kind == Value::Kind::kNull;
      if (n.null_literal_operand) {
        // Explicit tests for absence: x == null, x != null.
        const bool same = a_null && b_null;
        return n.op == Op::kEq ? same : !same;
      }
      if (a_null || b_null) return false;
      const bool same = equal(env, a, b);
      return n.op == Op::kEq ? same : !same;
    }
    case Op::kLt:
    case Op::kLe:
    case Op::kGt:
    case Op::kGe: {
      const auto c = order(eval(env, *n.kids[0]), eval(env, *n.kids[1]));
      if (!c) return false;
      switch (n.op) {
        case Op::kLt:
          return *c < 0;
        case Op::kLe:
          return *c <= 0;
        case Op::kGt:
          return *c > 0;
        default:
          return *c >= 0;
      }
    }
    case Op::kIn:
    case Op::kNotIn: {
      const Value needle = eval(env, *n.kids[0]);
      if (needle.kind == Value::Kind::kNull) return false;
      const Value hay = eval(env, *n.kids[1]);
      if (hay.kind == Value::Kind::kNull) return false;
      const bool found = contains(env, hay, needle);
      return n.op == Op::kIn ? found : !found;
    }
    case Op::kContains: {
      const Value hay = eval(env, *n.kids[0]);
      const Value needle = eval(env, *n.kids[1]);
      return contains(env, hay, needle);
    }
    default:
      return truthyValue(eval(env, n));
  }
}

}  // namespace

std::optional<Expr> Expr::parse(std::string_view text, ExprError* error) {
  try {
    Parser parser(text);
    Expr e;
    e.root_ = parser.parseAll();
    e.text_ = std::string(text);
    e.event_offset_ = parser.event_offset_;
    e.input_offset_ = parser.input_offset_;
    return e;
  } catch (const ParseFailure& f) {
    // "Ends too early" belongs after the last character, not on trailing
    // blanks (a block scalar's final newline would put it on the next line).
    const size_t end = text.find_last_not_of(" \t\r\n");
    const size_t limit = end == std::string_view::npos ? 0 : end + 1;
    if (error) *error = {std::min(f.offset, limit), f.message};
    return std::nullopt;
  }
}

bool evaluate(const Expr& expr, const store::Contact& contact, const nlohmann::json& vars) {
  static const nlohmann::json kNone = nlohmann::json::object();
  return evaluate(expr, contact, vars, kNone);
}

bool evaluate(const Expr& expr, const store::Contact& contact, const nlohmann::json& vars,
              const nlohmann::json& context) {
  if (!expr.root_) return false;
  static const nlohmann::json kNone = nlohmann::json::object();
  const Env env{contact, vars.is_object() ? vars : kNone, context.is_object() ? context : kNone};
  return truthy(env, *expr.root_);
}

}  // namespace herald::workflow
