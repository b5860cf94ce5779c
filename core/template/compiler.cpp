#include "template/compiler.hpp"

#include <algorithm>

#include "util/suggest.hpp"

namespace herald::tmpl {
namespace {

using K = MarkupToken::Kind;

constexpr std::string_view kTags[] = {
    "if",        "elsif",      "else",    "endif",      "unless", "endunless", "case",
    "when",      "endcase",    "for",     "endfor",     "break",  "continue",  "assign",
    "capture",   "endcapture", "comment", "endcomment", "raw",    "endraw",    "render",
    "increment", "decrement",  "cycle",   "echo",       "liquid", "#"};

// The tag that closes each block tag.
std::string_view closerOf(std::string_view open) {
  if (open == "if") return "endif";
  if (open == "unless") return "endunless";
  if (open == "case") return "endcase";
  if (open == "for") return "endfor";
  if (open == "capture") return "endcapture";
  if (open == "comment") return "endcomment";
  return "";
}

std::string_view openerOf(std::string_view close) {
  if (close == "endif") return "if";
  if (close == "endunless") return "unless";
  if (close == "endcase") return "case";
  if (close == "endfor") return "for";
  if (close == "endcapture") return "capture";
  if (close == "endcomment") return "comment";
  if (close == "endraw") return "raw";
  return "";
}

std::string tagText(std::string_view name) { return "{% " + std::string(name) + " %}"; }

bool whitespaceOnly(std::string_view s) {
  for (char c : s)
    if (!isLiquidSpace(c)) return false;
  return true;
}

// Liquid's blank blocks: a block tag whose bodies hold only whitespace and
// tags that print nothing (assign, capture, comment, blank blocks) renders
// none of that whitespace.
void dropBlankText(Block& b) {
  b.erase(
      std::remove_if(b.begin(), b.end(), [](const Node& n) { return n.kind == NodeKind::kText; }),
      b.end());
}

}  // namespace

bool Compiler::isBlank(const Block& b) const {
  for (const Node& n : b) {
    switch (n.kind) {
      case NodeKind::kText:
        if (!whitespaceOnly(n.text)) return false;
        break;
      case NodeKind::kAssign:
      case NodeKind::kCapture:
        break;
      case NodeKind::kIf:
        if (!prog_.ifs[n.index].blank) return false;
        break;
      case NodeKind::kCase:
        if (!prog_.cases[n.index].blank) return false;
        break;
      case NodeKind::kFor:
        if (!prog_.fors[n.index].blank) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

namespace {}  // namespace

Compiler::Compiler(Template::Program& program, const CompileOptions& options)
    : prog_(program), opts_(options) {}

void Compiler::fail(size_t offset, std::string message) {
  throw Failure{offset, std::move(message)};
}

int Compiler::lineOf(size_t offset) {
  Unit& u = *unit_;
  if (u.src_for_lines.data() != u.src.data() || u.line_starts.empty()) {
    u.line_starts.assign(1, 0);
    for (size_t i = 0; i < u.src.size(); ++i)
      if (u.src[i] == '\n') u.line_starts.push_back(i + 1);
    u.src_for_lines = u.src;
  }
  offset = std::min(offset, u.src.size());
  auto it = std::upper_bound(u.line_starts.begin(), u.line_starts.end(), offset);
  return static_cast<int>(it - u.line_starts.begin());
}

int Compiler::columnOf(size_t offset) {
  const int line = lineOf(offset);
  offset = std::min(offset, unit_->src.size());
  return 1 + static_cast<int>(offset - unit_->line_starts[static_cast<size_t>(line - 1)]);
}

std::string_view Compiler::own(std::string text) {
  prog_.sources.push_back(std::move(text));
  return prog_.sources.back();
}

bool Compiler::compile(std::string_view text, CompileError& error) {
  prog_.escape = opts_.escape;
  prog_.limits = opts_.limits;
  auto unit = std::make_unique<Unit>();
  unit->src = own(std::string(text));
  unit_ = unit.get();
  units_.push_back(std::move(unit));
  try {
    LexError lex_error;
    if (!lex(unit_->src, unit_->tokens, lex_error)) fail(lex_error.offset, lex_error.message);
    std::string_view stopped_by;
    const Token* stop = nullptr;
    prog_.main = parseBlock({}, stopped_by, stop);
    prog_.frame_size = unit_->frame_size;
    for (auto& u : units_) {
      unit_ = u.get();
      checkRoots(*u);
      if (u->partial != kNone) prog_.partials[u->partial].frame_size = u->frame_size;
    }
    unit_ = units_.front().get();
    prog_.frame_size = unit_->frame_size;
  } catch (const Failure& f) {
    const auto& src = unit_->src;
    const size_t offset = std::min(f.offset, src.size());
    error.path = unit_->path;
    error.offset = offset;
    error.line = lineOf(offset);
    error.column = columnOf(offset);
    error.message = f.message;
    error.related = f.related;
    for (auto& r : error.related) {
      r.offset = std::min(r.offset, src.size());
      r.line = lineOf(r.offset);
      r.column = columnOf(r.offset);
    }
    return false;
  }
  for (size_t i = 0; i < prog_.variables.size(); ++i)
    prog_.variables[i].has_default = !variable_lacks_default_[i];
  for (const auto& n : prog_.main)
    if (n.kind == NodeKind::kText) prog_.literal_size += n.text.size();
  prog_.constant =
      text.empty() || (prog_.main.size() == 1 && prog_.main[0].kind == NodeKind::kText &&
                       prog_.main[0].text.size() == text.size());
  return true;
}

void Compiler::checkRoots(Unit& unit) {
  if (opts_.roots.empty()) return;
  for (const auto& ref : unit.unknown_roots) {
    if (unit.assigned.count(ref.name)) continue;
    std::vector<std::string> valid(opts_.roots.begin(), opts_.roots.end());
    std::vector<std::string> assigned(unit.assigned.begin(), unit.assigned.end());
    std::vector<std::string> all = valid;
    all.insert(all.end(), assigned.begin(), assigned.end());
    std::string msg = "unknown variable '" + ref.name + "'";
    auto close = closeMatches(ref.name, all, 1);
    if (!close.empty()) msg += "; did you mean '" + close.front() + "'?";
    msg += " (the variables are " + joinList(valid);
    if (!assigned.empty()) msg += ", and what the template assigns: " + joinList(assigned);
    msg += ")";
    fail(ref.offset, msg);
  }
}

void Compiler::enterBlock(const Token& tag) {
  unit_->open.push_back(OpenTag{tag.name, tag.offset});
  ++unit_->depth;
  unit_->max_depth = std::max(unit_->max_depth, unit_->depth);
  if (unit_->depth > opts_.limits.max_depth)
    fail(tag.offset, "blocks are nested more than " + std::to_string(opts_.limits.max_depth) +
                         " levels deep (limit)");
}

void Compiler::leaveBlock() {
  unit_->open.pop_back();
  --unit_->depth;
}

void Compiler::failUnexpectedTag(const Token& tag) {
  const std::string_view name = tag.name;
  const std::string_view opener = openerOf(name);
  if (!opener.empty()) {
    bool open_somewhere = false;
    for (const auto& o : unit_->open) open_somewhere = open_somewhere || o.name == opener;
    if (!open_somewhere || unit_->open.empty())
      fail(tag.offset, "'" + tagText(name) + "' without an open " + tagText(opener));
    // The opener's place is a note of its own: a line number in the text
    // would count within the template, not within the file it stands in.
    const auto& inner = unit_->open.back();
    throw Failure{tag.offset,
                  "'" + tagText(name) + "' cannot close " + tagText(inner.name) +
                      ", which is still open: add " + tagText(closerOf(inner.name)) + " first",
                  {{inner.offset, 1, 1, "'" + tagText(inner.name) + "' opened here", true}}};
  }
  if (name == "else")
    fail(tag.offset, "'{% else %}' outside of {% if %}, {% unless %}, {% case %} or {% for %}");
  if (name == "elsif") fail(tag.offset, "'{% elsif %}' outside of {% if %} or {% unless %}");
  if (name == "when") fail(tag.offset, "'{% when %}' outside of {% case %}");
  fail(tag.offset, "unexpected '" + tagText(name) + "'");
}

Block Compiler::parseBlock(std::initializer_list<std::string_view> stops,
                           std::string_view& stopped_by, const Token*& stop_token) {
  Block block;
  auto& toks = unit_->tokens;
  while (unit_->pos < toks.size()) {
    const size_t index = unit_->pos++;
    const Token tok = toks[index];
    switch (tok.kind) {
      case Token::Kind::kText:
        if (!tok.text.empty()) block.push_back(Node{NodeKind::kText, 0, tok.text});
        break;
      case Token::Kind::kOutput:
        parseOutput(tok.text, tok.markup_offset, tok.offset, block);
        break;
      case Token::Kind::kTag:
        if (std::find(stops.begin(), stops.end(), tok.name) != stops.end()) {
          stopped_by = toks[index].name;
          stop_token = &toks[index];
          return block;
        }
        parseTag(tok, block);
        break;
    }
  }
  stopped_by = {};
  stop_token = nullptr;
  if (!unit_->open.empty()) {
    // Every block left open, each at its opening tag (the innermost first,
    // as its closer comes first).
    auto neverClosed = [](const OpenTag& o) {
      return "'" + tagText(o.name) + "' is never closed: add " + tagText(closerOf(o.name));
    };
    const auto& open = unit_->open;
    Failure f{open.back().offset, neverClosed(open.back())};
    for (size_t i = open.size() - 1; i-- > 0;)
      f.related.push_back({open[i].offset, 1, 1, neverClosed(open[i]), false});
    throw f;
  }
  return block;
}

void Compiler::parseTag(const Token& tag, Block& block) {
  const std::string_view name = tag.name;
  if (name == "if" || name == "unless") {
    block.push_back(Node{NodeKind::kIf, parseIf(tag, name == "unless"), {}});
  } else if (name == "case") {
    block.push_back(Node{NodeKind::kCase, parseCase(tag), {}});
  } else if (name == "for") {
    block.push_back(Node{NodeKind::kFor, parseFor(tag), {}});
  } else if (name == "assign") {
    parseAssign(tag, block);
  } else if (name == "capture") {
    parseCapture(tag, block);
  } else if (name == "break" || name == "continue") {
    bool in_loop = false;
    for (const auto& o : unit_->open) in_loop = in_loop || o.name == "for";
    if (!in_loop) fail(tag.offset, "'" + tagText(name) + "' outside of {% for %}");
    block.push_back(Node{name == "break" ? NodeKind::kBreak : NodeKind::kContinue, 0, {}});
  } else if (name == "comment") {
    skipComment(tag);
  } else if (name == "#") {
    // an inline comment
  } else if (name == "raw") {
    // The lexer made the body one text token, followed by endraw.
    auto& toks = unit_->tokens;
    if (unit_->pos < toks.size() && toks[unit_->pos].kind == Token::Kind::kText) {
      if (!toks[unit_->pos].text.empty())
        block.push_back(Node{NodeKind::kText, 0, toks[unit_->pos].text});
      ++unit_->pos;
    }
    if (unit_->pos < toks.size() && toks[unit_->pos].name == "endraw") ++unit_->pos;
  } else if (name == "echo") {
    parseOutput(tag.text, tag.markup_offset, tag.offset, block);
  } else if (name == "render") {
    parseRender(tag, block);
  } else if (name == "increment" || name == "decrement") {
    parseCounter(tag, block, name == "increment" ? NodeKind::kIncrement : NodeKind::kDecrement);
  } else if (name == "cycle") {
    parseCycle(tag, block);
  } else if (name == "liquid") {
    parseLiquid(tag);
  } else if (name == "include") {
    fail(tag.offset,
         "'{% include %}' is not supported: use {% render 'NAME' %} (a partial sees only the "
         "arguments it is given)");
  } else if (name.empty()) {
    fail(tag.offset, "a tag needs a name: {% if ... %}, {% for ... %}, {% assign ... %}...");
  } else if (std::find(std::begin(kTags), std::end(kTags), name) != std::end(kTags)) {
    failUnexpectedTag(tag);
  } else {
    std::vector<std::string> names(std::begin(kTags), std::end(kTags) - 1);
    auto close = closeMatches(std::string(name), names, 1);
    std::string msg = "unknown tag '" + std::string(name) + "'";
    if (!close.empty())
      msg += "; did you mean '" + close.front() + "'?";
    else
      msg += " (tags: " + joinList(names) + ")";
    fail(tag.offset, msg);
  }
}

uint32_t Compiler::parseIf(const Token& tag, bool negate) {
  IfNode node;
  const std::string_view closer = negate ? "endunless" : "endif";
  enterBlock(tag);
  Token current = tag;
  bool in_else = false;
  for (;;) {
    std::string_view stopped;
    const Token* stop = nullptr;
    Block body;
    if (in_else) {
      body = parseBlock({closer, "else", "elsif"}, stopped, stop);
      if (stopped != closer)
        fail(stop->offset, "'" + tagText(stopped) + "' after {% else %}: {% else %} comes last");
      node.else_body = std::move(body);
      break;
    }
    IfNode::Branch branch;
    std::vector<MarkupToken> toks;
    tokenize(current.text, current.markup_offset, toks);
    Cursor c(*this, std::move(toks));
    if (c.at(K::kEnd))
      fail(current.offset, "'" + tagText(current.name) + "' needs a condition, e.g. {% " +
                               std::string(current.name) + " contact.first_name %}");
    branch.cond = parseCondition(c);
    branch.negate = negate && current.name == tag.name;
    body = parseBlock({closer, "else", "elsif"}, stopped, stop);
    branch.body = std::move(body);
    node.branches.push_back(std::move(branch));
    if (stopped == closer) break;
    if (stopped == "else") {
      in_else = true;
      continue;
    }
    current = *stop;  // elsif
  }
  leaveBlock();
  node.blank = isBlank(node.else_body);
  for (const auto& b : node.branches) node.blank = node.blank && isBlank(b.body);
  if (node.blank) {
    for (auto& b : node.branches) dropBlankText(b.body);
    dropBlankText(node.else_body);
  }
  prog_.ifs.push_back(std::move(node));
  return static_cast<uint32_t>(prog_.ifs.size() - 1);
}

uint32_t Compiler::parseCase(const Token& tag) {
  CaseNode node;
  enterBlock(tag);
  {
    std::vector<MarkupToken> toks;
    tokenize(tag.text, tag.markup_offset, toks);
    Cursor c(*this, std::move(toks));
    if (c.at(K::kEnd))
      fail(tag.offset, "'{% case %}' needs a value, e.g. {% case contact.locale %}");
    node.subject = parseExpr(c);
    c.expectEnd("after the value of {% case %}");
  }
  std::string_view stopped;
  const Token* stop = nullptr;
  // Text before the first when is ignored, as Liquid does.
  parseBlock({"when", "else", "endcase"}, stopped, stop);
  bool seen_else = false;
  while (stopped != "endcase") {
    const Token arm_tag = *stop;
    std::vector<uint32_t> values;
    if (stopped == "when") {
      std::vector<MarkupToken> toks;
      tokenize(arm_tag.text, arm_tag.markup_offset, toks);
      Cursor c(*this, std::move(toks));
      if (c.at(K::kEnd)) fail(arm_tag.offset, "'{% when %}' needs a value, e.g. {% when 'fr' %}");
      values.push_back(parseExpr(c));
      while (c.accept(K::kComma) || (c.atName("or") && (c.next(), true)))
        values.push_back(parseExpr(c));
      c.expectEnd("in {% when %}: separate values with , or or");
    } else {
      if (seen_else) fail(arm_tag.offset, "a second '{% else %}' in {% case %}");
      seen_else = true;
      values.push_back(kNone);
    }
    Block body = parseBlock({"when", "else", "endcase"}, stopped, stop);
    node.bodies.push_back(std::move(body));
    const auto body_id = static_cast<uint32_t>(node.bodies.size() - 1);
    for (uint32_t v : values) node.arms.push_back(CaseNode::Arm{v, body_id});
  }
  leaveBlock();
  node.blank = true;
  for (const auto& b : node.bodies) node.blank = node.blank && isBlank(b);
  if (node.blank)
    for (auto& b : node.bodies) dropBlankText(b);
  prog_.cases.push_back(std::move(node));
  return static_cast<uint32_t>(prog_.cases.size() - 1);
}

uint32_t Compiler::parseFor(const Token& tag) {
  ForNode node;
  std::vector<MarkupToken> toks;
  tokenize(tag.text, tag.markup_offset, toks);
  Cursor c(*this, std::move(toks));
  const MarkupToken& var = c.expect(K::kName, "the loop variable ({% for item in collection %})");
  if (!c.atName("in"))
    fail(c.peek().offset,
         "expected 'in' but found " + describeToken(c.peek()) + " ({% for item in collection %})");
  c.next();
  if (c.at(K::kEnd)) fail(c.peek().offset, "expected the collection to loop over after 'in'");
  node.collection = parseExpr(c);
  while (!c.at(K::kEnd)) {
    c.accept(K::kComma);
    if (c.atName("reversed")) {
      c.next();
      node.reversed = true;
    } else if (c.atName("limit") || c.atName("offset")) {
      const bool is_limit = c.peek().text == "limit";
      c.next();
      c.expect(K::kColon, "':'");
      if (!is_limit && c.atName("continue"))
        fail(c.peek().offset, "'offset: continue' is not supported: give the offset as a number");
      (is_limit ? node.limit : node.offset) = parseExpr(c);
    } else {
      fail(c.peek().offset, "unexpected " + describeToken(c.peek()) +
                                " in {% for %}: expected limit: N, offset: N or reversed");
    }
  }
  node.slot = unit_->frame_size++;
  enterBlock(tag);
  unit_->loop_vars.emplace_back(var.text, node.slot);
  std::string_view stopped;
  const Token* stop = nullptr;
  node.body = parseBlock({"endfor", "else"}, stopped, stop);
  unit_->loop_vars.pop_back();
  if (stopped == "else") {
    node.else_body = parseBlock({"endfor", "else"}, stopped, stop);
    if (stopped == "else") fail(stop->offset, "a second '{% else %}' in {% for %}");
  }
  leaveBlock();
  node.blank = isBlank(node.body) && isBlank(node.else_body);
  if (node.blank) {
    dropBlankText(node.body);
    dropBlankText(node.else_body);
  }
  prog_.fors.push_back(std::move(node));
  return static_cast<uint32_t>(prog_.fors.size() - 1);
}

namespace {
bool reservedRoot(std::string_view name) {
  return name == "contact" || name == "vars" || name == "forloop";
}
}  // namespace

void Compiler::parseAssign(const Token& tag, Block& block) {
  std::vector<MarkupToken> toks;
  tokenize(tag.text, tag.markup_offset, toks);
  Cursor c(*this, std::move(toks));
  const MarkupToken& name = c.expect(K::kName, "a variable name ({% assign name = value %})");
  if (reservedRoot(name.text))
    fail(name.offset, "'" + std::string(name.text) + "' cannot be assigned: choose another name");
  c.expect(K::kAssign, "'=' ({% assign name = value %})");
  if (c.at(K::kEnd)) fail(c.peek().offset, "expected a value after '='");
  AssignNode node;
  bool has_default = false;
  std::string_view last;
  node.pipe = parsePipeline(c, has_default, last);
  c.expectEnd("in {% assign %}: expected | or %}");
  node.line = lineOf(tag.offset);
  node.file = unit_->path_view;
  unit_->assigned.insert(std::string(name.text));
  node.slot = localSlot(name.text);
  prog_.assigns.push_back(std::move(node));
  block.push_back(Node{NodeKind::kAssign, static_cast<uint32_t>(prog_.assigns.size() - 1), {}});
}

void Compiler::parseCapture(const Token& tag, Block& block) {
  std::vector<MarkupToken> toks;
  tokenize(tag.text, tag.markup_offset, toks);
  Cursor c(*this, std::move(toks));
  std::string_view name;
  if (c.at(K::kString) || c.at(K::kName)) {
    name = c.next().text;
  } else {
    fail(c.peek().offset, "expected a variable name ({% capture name %})");
  }
  c.expectEnd("in {% capture %}");
  if (reservedRoot(name))
    fail(tag.offset, "'" + std::string(name) + "' cannot be assigned: choose another name");
  CaptureNode node;
  unit_->assigned.insert(std::string(name));
  node.slot = localSlot(name);
  enterBlock(tag);
  std::string_view stopped;
  const Token* stop = nullptr;
  node.body = parseBlock({"endcapture"}, stopped, stop);
  leaveBlock();
  prog_.captures.push_back(std::move(node));
  block.push_back(Node{NodeKind::kCapture, static_cast<uint32_t>(prog_.captures.size() - 1), {}});
}

void Compiler::parseCounter(const Token& tag, Block& block, NodeKind kind) {
  std::vector<MarkupToken> toks;
  tokenize(tag.text, tag.markup_offset, toks);
  Cursor c(*this, std::move(toks));
  const MarkupToken& name = c.expect(K::kName, "a counter name");
  c.expectEnd("after the counter name");
  auto [it, added] = unit_->counters.try_emplace(std::string(name.text), unit_->frame_size);
  if (added) ++unit_->frame_size;
  prog_.counters.push_back(CounterNode{it->second});
  block.push_back(Node{kind, static_cast<uint32_t>(prog_.counters.size() - 1), {}});
}

void Compiler::parseCycle(const Token& tag, Block& block) {
  std::vector<MarkupToken> toks;
  tokenize(tag.text, tag.markup_offset, toks);
  Cursor c(*this, std::move(toks));
  CycleNode node;
  std::string group;
  if ((c.at(K::kString) || c.at(K::kName)) && c.peek(1).kind == K::kColon) {
    group = "\x01" + std::string(c.next().text);
    c.next();
  }
  if (c.at(K::kEnd)) fail(tag.offset, "'{% cycle %}' needs values, e.g. {% cycle 'odd', 'even' %}");
  const size_t values_start = c.peek().offset;
  node.values.push_back(parseExpr(c));
  while (c.accept(K::kComma)) node.values.push_back(parseExpr(c));
  c.expectEnd("in {% cycle %}: separate values with ,");
  if (group.empty())
    group = std::string(
        unit_->src.substr(values_start, tag.markup_offset + tag.text.size() - values_start));
  auto [it, added] = unit_->counters.try_emplace("\x02" + group, unit_->frame_size);
  if (added) ++unit_->frame_size;
  node.slot = it->second;
  prog_.cycles.push_back(std::move(node));
  block.push_back(Node{NodeKind::kCycle, static_cast<uint32_t>(prog_.cycles.size() - 1), {}});
}

void Compiler::skipComment(const Token& tag) {
  auto& toks = unit_->tokens;
  int nesting = 1;
  while (unit_->pos < toks.size()) {
    const Token& t = toks[unit_->pos++];
    if (t.kind != Token::Kind::kTag) continue;
    if (t.name == "comment") ++nesting;
    if (t.name == "endcomment" && --nesting == 0) return;
  }
  fail(tag.offset, "'{% comment %}' is never closed: add {% endcomment %}");
}

void Compiler::parseLiquid(const Token& tag) {
  // Each line is a tag without delimiters: they are spliced in as tokens.
  std::vector<Token> lines;
  std::string_view body = tag.text;
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(start, end - start);
    size_t p = 0;
    while (p < line.size() && isLiquidSpace(line[p])) ++p;
    if (p < line.size()) {
      size_t q = p;
      if (line[q] == '#') {
        ++q;
      } else {
        while (q < line.size() &&
               (std::isalnum(static_cast<unsigned char>(line[q])) || line[q] == '_'))
          ++q;
      }
      Token t;
      t.kind = Token::Kind::kTag;
      t.name = line.substr(p, q - p);
      t.text = line.substr(q);
      t.offset = tag.markup_offset + start + p;
      t.markup_offset = tag.markup_offset + start + q;
      if (t.name == "raw" || t.name == "endraw")
        fail(t.offset, "'{% raw %}' cannot be used inside {% liquid %}");
      lines.push_back(t);
    }
    start = end + 1;
  }
  auto& toks = unit_->tokens;
  toks.insert(toks.begin() + static_cast<long>(unit_->pos), lines.begin(), lines.end());
}

}  // namespace herald::tmpl
