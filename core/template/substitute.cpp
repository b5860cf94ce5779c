#include "template/substitute.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <variant>

namespace herald::tmpl {
namespace {

enum class ContactField {
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

std::string knownContactFields() {
  std::string out;
  for (const auto& f : kContactFields) {
    if (!out.empty()) out += ", ";
    out += f.name;
  }
  return out;
}

// contact.FIELD[.path...] or vars[.path...]
struct VarRef {
  bool is_contact = false;
  ContactField field = ContactField::kId;
  std::vector<std::string> path;  // below the field (attributes) or below vars
};

using Arg = std::variant<nlohmann::json, VarRef>;  // literal or variable

enum class FilterKind { kDefault, kUpcase, kDowncase, kCapitalize, kStrip };

struct Filter {
  FilterKind kind;
  std::vector<Arg> args;
};

struct Output {
  VarRef ref;
  std::vector<Filter> filters;
};

using Segment = std::variant<std::string, Output>;

const nlohmann::json kNull;

nlohmann::json optionalString(const std::optional<std::string>& s) {
  return s ? nlohmann::json(*s) : nlohmann::json();
}

const nlohmann::json* walk(const nlohmann::json* node, const std::vector<std::string>& path) {
  for (const auto& key : path) {
    if (node->is_object()) {
      auto it = node->find(key);
      if (it == node->end()) return &kNull;
      node = &*it;
    } else if (node->is_array()) {
      if (key == "first" || key == "last") {
        if (node->empty()) return &kNull;
        node = key == "first" ? &node->front() : &node->back();
        continue;
      }
      size_t index = 0;
      auto [p, ec] = std::from_chars(key.data(), key.data() + key.size(), index);
      if (ec != std::errc() || p != key.data() + key.size() || index >= node->size()) return &kNull;
      node = &(*node)[index];
    } else {
      return &kNull;
    }
  }
  return node;
}

nlohmann::json resolve(const VarRef& ref, const RenderContext& ctx) {
  if (!ref.is_contact) return *walk(&ctx.vars, ref.path);
  const store::Contact& c = ctx.contact;
  switch (ref.field) {
    case ContactField::kId:
      return c.id;
    case ContactField::kExternalId:
      return optionalString(c.external_id);
    case ContactField::kEmail:
      return optionalString(c.email);
    case ContactField::kPhone:
      return optionalString(c.phone);
    case ContactField::kFirstName:
      return optionalString(c.first_name);
    case ContactField::kLastName:
      return optionalString(c.last_name);
    case ContactField::kTimezone:
      return optionalString(c.timezone);
    case ContactField::kLocale:
      return optionalString(c.locale);
    case ContactField::kTags: {
      if (ref.path.empty()) return c.tags;
      nlohmann::json tags = c.tags;
      return *walk(&tags, ref.path);
    }
    case ContactField::kAttributes:
      return *walk(&c.attributes, ref.path);
  }
  return nullptr;
}

void appendValue(const nlohmann::json& v, std::string& out) {
  switch (v.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      return;
    case nlohmann::json::value_t::string:
      out += v.get_ref<const std::string&>();
      return;
    case nlohmann::json::value_t::array:
      // Liquid renders an array as its items concatenated.
      for (const auto& item : v) appendValue(item, out);
      return;
    default:
      out += v.dump();
  }
}

std::string toText(const nlohmann::json& v) {
  std::string s;
  appendValue(v, s);
  return s;
}

bool isBlank(const nlohmann::json& v) {
  if (v.is_null()) return true;
  if (v.is_boolean()) return !v.get<bool>();
  // json::empty() is false for every string, so strings are asked directly.
  if (v.is_string()) return v.get_ref<const std::string&>().empty();
  if (v.is_array() || v.is_object()) return v.empty();
  return false;
}

nlohmann::json applyFilter(const Filter& f, nlohmann::json v, const RenderContext& ctx) {
  switch (f.kind) {
    case FilterKind::kDefault: {
      if (!isBlank(v)) return v;
      const Arg& a = f.args.front();
      if (const auto* lit = std::get_if<nlohmann::json>(&a)) return *lit;
      return resolve(std::get<VarRef>(a), ctx);
    }
    case FilterKind::kUpcase:
    case FilterKind::kDowncase: {
      std::string s = toText(v);
      bool up = f.kind == FilterKind::kUpcase;
      for (char& ch : s) {
        auto u = static_cast<unsigned char>(ch);
        ch = static_cast<char>(up ? std::toupper(u) : std::tolower(u));
      }
      return s;
    }
    case FilterKind::kCapitalize: {
      std::string s = toText(v);
      for (size_t i = 0; i < s.size(); ++i) {
        auto u = static_cast<unsigned char>(s[i]);
        s[i] = static_cast<char>(i == 0 ? std::toupper(u) : std::tolower(u));
      }
      return s;
    }
    case FilterKind::kStrip: {
      std::string s = toText(v);
      auto notSpace = [](unsigned char ch) { return !std::isspace(ch); };
      s.erase(s.begin(), std::find_if(s.begin(), s.end(), notSpace));
      s.erase(std::find_if(s.rbegin(), s.rend(), notSpace).base(), s.end());
      return s;
    }
  }
  return v;
}

// ---- parsing ----

class ExprParser {
 public:
  ExprParser(std::string_view text, size_t base) : text_(text), base_(base) {}

  bool parse(Output& out, CompileError& err) {
    skipSpace();
    if (atEnd()) return fail(err, "empty {{ }}: write a variable such as {{ contact.first_name }}");
    if (!parseRef(out.ref, err)) return false;
    skipSpace();
    while (!atEnd()) {
      if (peek() != '|') {
        return fail(err, "unexpected '" + std::string(1, peek()) +
                             "'; expected '|' followed by a filter, or '}}'");
      }
      ++pos_;
      skipSpace();
      Filter f{};
      if (!parseFilter(f, err)) return false;
      out.filters.push_back(std::move(f));
      skipSpace();
    }
    return true;
  }

 private:
  bool atEnd() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }
  void skipSpace() {
    while (!atEnd() && std::isspace(static_cast<unsigned char>(peek()))) ++pos_;
  }
  bool fail(CompileError& err, std::string message) const {
    err.offset = base_ + std::min(pos_, text_.size());
    err.message = std::move(message);
    return false;
  }
  static bool identStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
  static bool identChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  }
  std::string ident() {
    size_t start = pos_;
    while (!atEnd() && identChar(peek())) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

  bool parseRef(VarRef& ref, CompileError& err) {
    if (!identStart(peek())) {
      return fail(err, "expected a variable such as contact.first_name or vars.NAME");
    }
    size_t root_pos = pos_;
    std::string root = ident();
    std::vector<std::string> parts;
    while (!atEnd() && peek() == '.') {
      ++pos_;
      if (atEnd() || !identChar(peek())) return fail(err, "expected a name after '.'");
      parts.push_back(ident());
    }
    if (root == "vars") {
      ref.is_contact = false;
      ref.path = std::move(parts);
      return true;
    }
    if (root != "contact") {
      pos_ = root_pos;
      return fail(err, "unknown variable '" + root + "'; use contact.FIELD (" +
                           knownContactFields() + ") or vars.NAME");
    }
    if (parts.empty()) {
      return fail(err, "write contact.FIELD, one of: " + knownContactFields());
    }
    auto it = std::find_if(std::begin(kContactFields), std::end(kContactFields),
                           [&](const FieldName& f) { return f.name == parts.front(); });
    if (it == std::end(kContactFields)) {
      pos_ = root_pos;
      return fail(err, "unknown contact field '" + parts.front() + "'; known fields: " +
                           knownContactFields() + " (custom fields are contact.attributes.NAME)");
    }
    ref.is_contact = true;
    ref.field = it->field;
    if (parts.size() > 1 && ref.field != ContactField::kAttributes &&
        ref.field != ContactField::kTags) {
      pos_ = root_pos;
      return fail(err, "contact." + parts.front() + " has no field '" + parts[1] + "'");
    }
    ref.path.assign(parts.begin() + 1, parts.end());
    return true;
  }

  bool parseFilter(Filter& f, CompileError& err) {
    size_t name_pos = pos_;
    if (atEnd() || !identStart(peek())) return fail(err, "expected a filter name after '|'");
    std::string name = ident();
    static constexpr std::pair<std::string_view, FilterKind> kFilters[] = {
        {"default", FilterKind::kDefault},   {"upcase", FilterKind::kUpcase},
        {"downcase", FilterKind::kDowncase}, {"capitalize", FilterKind::kCapitalize},
        {"strip", FilterKind::kStrip},
    };
    auto it = std::find_if(std::begin(kFilters), std::end(kFilters),
                           [&](const auto& k) { return k.first == name; });
    if (it == std::end(kFilters)) {
      pos_ = name_pos;
      return fail(err, "unknown filter '" + name +
                           "'; known filters: default, upcase, downcase, capitalize, strip");
    }
    f.kind = it->second;
    skipSpace();
    if (!atEnd() && peek() == ':') {
      ++pos_;
      while (true) {
        skipSpace();
        Arg a;
        if (!parseArg(a, err)) return false;
        f.args.push_back(std::move(a));
        skipSpace();
        if (atEnd() || peek() != ',') break;
        ++pos_;
      }
    }
    size_t want = f.kind == FilterKind::kDefault ? 1 : 0;
    if (f.args.size() != want) {
      pos_ = name_pos;
      return fail(err, want == 1 ? "filter 'default' takes one value, e.g. default: \"friend\""
                                 : "filter '" + name + "' takes no value");
    }
    return true;
  }

  bool parseArg(Arg& a, CompileError& err) {
    if (atEnd()) return fail(err, "expected a value after ':'");
    char c = peek();
    if (c == '"' || c == '\'') {
      size_t start = ++pos_;
      while (!atEnd() && peek() != c) ++pos_;
      if (atEnd()) {
        pos_ = start - 1;
        return fail(err, "unterminated string");
      }
      a = nlohmann::json(std::string(text_.substr(start, pos_ - start)));
      ++pos_;
      return true;
    }
    if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) {
      size_t start = pos_;
      ++pos_;
      while (!atEnd() && (std::isdigit(static_cast<unsigned char>(peek())) || peek() == '.')) {
        ++pos_;
      }
      auto parsed = nlohmann::json::parse(text_.substr(start, pos_ - start), nullptr, false);
      if (parsed.is_discarded() || !parsed.is_number()) {
        pos_ = start;
        return fail(err, "malformed number");
      }
      a = std::move(parsed);
      return true;
    }
    if (identStart(c)) {
      size_t start = pos_;
      std::string word = ident();
      if (word == "true" || word == "false") {
        a = nlohmann::json(word == "true");
        return true;
      }
      if (word == "nil" || word == "null") {
        a = nlohmann::json();
        return true;
      }
      pos_ = start;
      VarRef ref;
      if (!parseRef(ref, err)) return false;
      a = std::move(ref);
      return true;
    }
    return fail(err, "expected a quoted string, a number or a variable");
  }

  std::string_view text_;
  size_t base_;
  size_t pos_ = 0;
};

void trimRight(std::string& s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
}

}  // namespace

struct Template::Impl {
  std::vector<Segment> segments;
  size_t literal_size = 0;
};

std::optional<Template> Template::compile(std::string_view text, CompileError& error) {
  auto impl = std::make_unique<Impl>();
  size_t pos = 0;
  bool trim_next = false;
  auto addText = [&](std::string_view t) {
    std::string s(t);
    if (trim_next) {
      size_t i = 0;
      while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
      s.erase(0, i);
      trim_next = false;
    }
    if (!s.empty()) {
      impl->literal_size += s.size();
      impl->segments.emplace_back(std::move(s));
    }
  };
  while (pos < text.size()) {
    size_t open = text.find('{', pos);
    while (open != std::string_view::npos && open + 1 < text.size() && text[open + 1] != '{' &&
           text[open + 1] != '%') {
      open = text.find('{', open + 1);
    }
    if (open == std::string_view::npos || open + 1 >= text.size()) {
      addText(text.substr(pos));
      break;
    }
    if (text[open + 1] == '%') {
      error.offset = open;
      error.message =
          "tags ({% ... %}) are not supported yet; only substitutions such as "
          "{{ contact.first_name }} and {{ vars.NAME | default: \"x\" }}";
      return std::nullopt;
    }
    addText(text.substr(pos, open - pos));
    size_t inner = open + 2;
    if (inner < text.size() && text[inner] == '-') {
      ++inner;
      if (!impl->segments.empty()) {
        if (auto* s = std::get_if<std::string>(&impl->segments.back())) {
          impl->literal_size -= s->size();
          trimRight(*s);
          impl->literal_size += s->size();
          if (s->empty()) impl->segments.pop_back();
        }
      }
    }
    size_t close = text.find("}}", inner);
    if (close == std::string_view::npos) {
      error.offset = open;
      error.message = "'{{' is never closed with '}}'";
      return std::nullopt;
    }
    size_t inner_end = close;
    if (inner_end > inner && text[inner_end - 1] == '-') {
      --inner_end;
      trim_next = true;
    }
    Output out;
    ExprParser parser(text.substr(inner, inner_end - inner), inner);
    if (!parser.parse(out, error)) return std::nullopt;
    impl->segments.emplace_back(std::move(out));
    pos = close + 2;
  }
  return Template(std::move(impl));
}

Template::Template(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Template::Template(const Template& other) : impl_(std::make_unique<Impl>(*other.impl_)) {}
Template& Template::operator=(const Template& other) {
  if (this != &other) impl_ = std::make_unique<Impl>(*other.impl_);
  return *this;
}
Template::Template(Template&&) noexcept = default;
Template& Template::operator=(Template&&) noexcept = default;
Template::~Template() = default;

bool Template::isConstant() const {
  return std::all_of(impl_->segments.begin(), impl_->segments.end(),
                     [](const Segment& s) { return std::holds_alternative<std::string>(s); });
}

void Template::renderTo(const RenderContext& ctx, std::string& out) const {
  out.reserve(out.size() + impl_->literal_size + 16 * impl_->segments.size());
  for (const auto& seg : impl_->segments) {
    if (const auto* text = std::get_if<std::string>(&seg)) {
      out += *text;
      continue;
    }
    const auto& o = std::get<Output>(seg);
    if (o.filters.empty() && !o.ref.is_contact) {
      appendValue(*walk(&ctx.vars, o.ref.path), out);  // no copy for vars
      continue;
    }
    nlohmann::json v = resolve(o.ref, ctx);
    for (const auto& f : o.filters) v = applyFilter(f, std::move(v), ctx);
    appendValue(v, out);
  }
}

std::string Template::render(const RenderContext& ctx) const {
  std::string out;
  renderTo(ctx, out);
  return out;
}

}  // namespace herald::tmpl
