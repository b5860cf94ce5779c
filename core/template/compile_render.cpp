// {% render 'name' %}: partials compiled once per name into the same
// program, each with its own frame (Liquid's isolated scope).
#include "template/compiler.hpp"
#include "util/suggest.hpp"

namespace herald::tmpl {
namespace {
using K = MarkupToken::Kind;
}  // namespace

uint32_t Compiler::compilePartial(const std::string& name, size_t offset) {
  if (!opts_.partials)
    fail(offset, "'{% render %}' needs a templates/ folder: partials are not available here");
  auto cycle = std::find(partial_stack_.begin(), partial_stack_.end(), name);
  if (cycle != partial_stack_.end()) {
    std::vector<std::string> chain(cycle, partial_stack_.end());
    chain.push_back(name);
    std::string text;
    for (size_t i = 0; i < chain.size(); ++i) text += (i ? " -> " : "") + chain[i];
    fail(offset, "partial '" + name + "' renders itself: " + text);
  }
  if (auto it = partial_ids_.find(name); it != partial_ids_.end()) return it->second;
  auto source = opts_.partials->load(name, opts_.escape);
  if (!source) {
    std::string msg = "no partial '" + name + "' in templates/";
    auto names = opts_.partials->names();
    auto close = closeMatches(name, names, 1);
    if (!close.empty())
      msg += "; did you mean '" + close.front() + "'?";
    else if (!names.empty())
      msg += " (partials: " + joinList(names) + ")";
    fail(offset, msg);
  }
  auto unit = std::make_unique<Unit>();
  unit->src = own(std::move(source->text));
  unit->path = std::move(source->path);
  unit->path_view = own(unit->path);
  unit->name = name;
  Unit* caller = unit_;
  unit_ = unit.get();
  units_.push_back(std::move(unit));
  partial_stack_.push_back(name);
  LexError lex_error;
  if (!lex(unit_->src, unit_->tokens, lex_error)) fail(lex_error.offset, lex_error.message);
  std::string_view stopped;
  const Token* stop = nullptr;
  Partial partial;
  partial.name = name;
  partial.body = parseBlock({}, stopped, stop);
  partial.depth = unit_->max_depth;
  prog_.partials.push_back(std::move(partial));
  const auto id = static_cast<uint32_t>(prog_.partials.size() - 1);
  unit_->partial = id;
  partial_stack_.pop_back();
  unit_ = caller;
  partial_ids_.emplace(name, id);
  return id;
}

void Compiler::parseRender(const Token& tag, Block& block) {
  std::vector<MarkupToken> toks;
  tokenize(tag.text, tag.markup_offset, toks);
  Cursor c(*this, std::move(toks));
  if (!c.at(K::kString))
    fail(c.peek().offset,
         "expected the partial's name as a quoted string ({% render 'footer' %}) but found " +
             describeToken(c.peek()));
  const MarkupToken name_tok = c.next();
  const std::string name(name_tok.text);
  RenderNode node;
  std::string alias;
  if (c.atName("with") || c.atName("for")) {
    node.mode = c.next().text == "with" ? RenderNode::Mode::kWith : RenderNode::Mode::kFor;
    node.subject = parseExpr(c);
    alias = name;
    if (c.atName("as")) {
      c.next();
      alias = std::string(c.expect(K::kName, "a variable name after 'as'").text);
    }
  }
  std::vector<std::pair<std::string, uint32_t>> args;
  while (c.accept(K::kComma) || c.at(K::kName)) {
    const MarkupToken key = c.expect(K::kName, "an argument name (name: value)");
    c.expect(K::kColon, "':' after the argument name");
    args.emplace_back(std::string(key.text), parseExpr(c));
  }
  c.expectEnd("in {% render %}: expected , name: value");
  // Nesting: this block's depth plus the partial's own.
  const uint32_t caller_depth = unit_->depth;
  const uint32_t id = compilePartial(name, name_tok.offset);
  if (caller_depth + 1 + prog_.partials[id].depth > opts_.limits.max_depth)
    fail(tag.offset, "blocks and partials are nested more than " +
                         std::to_string(opts_.limits.max_depth) + " levels deep (limit) through '" +
                         name + "'");
  node.partial = id;
  // The arguments become the partial's own variables.
  Unit* partial_unit = nullptr;
  for (auto& u : units_)
    if (u->partial == id) partial_unit = u.get();
  auto slotIn = [&](const std::string& var) {
    auto it = partial_unit->slots.find(var);
    if (it != partial_unit->slots.end()) return it->second;
    const uint32_t slot = partial_unit->frame_size++;
    partial_unit->slots.emplace(var, slot);
    return slot;
  };
  for (auto& [key, expr] : args) {
    partial_unit->assigned.insert(key);
    node.args.push_back(RenderNode::Arg{slotIn(key), expr});
  }
  if (node.mode != RenderNode::Mode::kPlain) {
    partial_unit->assigned.insert(alias);
    node.alias_slot = slotIn(alias);
  }
  prog_.renders.push_back(std::move(node));
  block.push_back(Node{NodeKind::kRender, static_cast<uint32_t>(prog_.renders.size() - 1), {}});
}

}  // namespace herald::tmpl
