#pragma once
// Turns template text into a Template::Program: tags (compiler.cpp),
// expressions, variables, filters and conditions (compile_expr.cpp),
// partials (compile_render.cpp). Compile errors are thrown internally as
// CompileFailure and returned as a CompileError.
#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "template/lexer.hpp"
#include "template/markup.hpp"
#include "template/program.hpp"

namespace herald::tmpl {

class Compiler {
 public:
  Compiler(Template::Program& program, const CompileOptions& options);
  // Compiles `text` as the template; false and `error` when malformed.
  bool compile(std::string_view text, CompileError& error);

 private:
  struct Failure {
    size_t offset;
    std::string message;
    std::vector<CompileError::Related> related = {};  // offsets only; lines filled in later
  };
  struct OpenTag {
    std::string_view name;
    size_t offset;
  };
  // One source being compiled: the template or a partial.
  struct Unit {
    std::string_view src;
    std::vector<size_t> line_starts;  // offsets where each line begins
    std::string_view src_for_lines;   // what line_starts was computed for
    std::string path;                 // "" for the template, the partial's file otherwise
    std::string_view path_view;       // `path`, owned by the program
    std::string name;                 // the partial's name
    uint32_t partial = kNone;
    std::vector<Token> tokens;
    size_t pos = 0;
    std::map<std::string, uint32_t, std::less<>> slots;            // root names read or assigned
    std::map<std::string, uint32_t, std::less<>> counters;         // increment, decrement, cycle
    std::vector<std::pair<std::string_view, uint32_t>> loop_vars;  // for variables in scope
    std::set<std::string, std::less<>> assigned;  // assign, capture, render arguments
    struct Ref {
      std::string name;
      size_t offset;
    };
    std::vector<Ref> unknown_roots;  // checked against `assigned` at the end
    uint32_t frame_size = 0;
    uint32_t depth = 0;
    uint32_t max_depth = 0;
    std::vector<OpenTag> open;
  };
  class Cursor;

  // compiler.cpp: blocks and tags.
  Block parseBlock(std::initializer_list<std::string_view> stops, std::string_view& stopped_by,
                   const Token*& stop_token);
  void parseTag(const Token& tag, Block& block);
  void enterBlock(const Token& tag);
  void leaveBlock();
  [[noreturn]] void failUnexpectedTag(const Token& tag);
  uint32_t parseIf(const Token& tag, bool negate);
  uint32_t parseCase(const Token& tag);
  uint32_t parseFor(const Token& tag);
  void parseAssign(const Token& tag, Block& block);
  void parseCapture(const Token& tag, Block& block);
  void parseCounter(const Token& tag, Block& block, NodeKind kind);
  void parseCycle(const Token& tag, Block& block);
  void parseLiquid(const Token& tag);
  void skipComment(const Token& tag);
  void checkRoots(Unit& unit);
  bool isBlank(const Block& b) const;

  // compile_expr.cpp: expressions, outputs, conditions.
  uint32_t parseExpr(Cursor& c);
  uint32_t parseVariable(Cursor& c);
  uint32_t addExpr(Expr e);
  uint32_t localSlot(std::string_view name);
  Pipeline parsePipeline(Cursor& c, bool& has_default, std::string_view& last_filter,
                         size_t* head_end = nullptr);
  void parseOutput(std::string_view markup, size_t offset, size_t token_offset, Block& block);
  uint32_t parseCondition(Cursor& c);
  void tokenize(std::string_view markup, size_t offset, std::vector<MarkupToken>& out);
  uint32_t variableId(std::string_view name, size_t offset, bool has_default);

  // compile_render.cpp: {% render %} and partials.
  void parseRender(const Token& tag, Block& block);
  uint32_t compilePartial(const std::string& name, size_t offset);

  [[noreturn]] void fail(size_t offset, std::string message);
  int lineOf(size_t offset);
  int columnOf(size_t offset);
  std::string_view own(std::string text);

  size_t expr_depth_ = 0;  // nesting of ( and [ in one expression
  Template::Program& prog_;
  const CompileOptions& opts_;
  Unit* unit_ = nullptr;
  std::vector<std::unique_ptr<Unit>> units_;
  std::vector<std::string> partial_stack_;  // names being compiled, for cycles
  std::map<std::string, uint32_t, std::less<>> partial_ids_;
  std::map<std::string, uint32_t, std::less<>> variable_ids_;
  std::vector<bool> variable_lacks_default_;
};

// Reads the tokens of one tag or output.
class Compiler::Cursor {
 public:
  Cursor(Compiler& compiler, std::vector<MarkupToken> tokens)
      : compiler_(compiler), tokens_(std::move(tokens)) {}
  const MarkupToken& peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const MarkupToken& next() {
    const MarkupToken& t = peek();
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  bool at(MarkupToken::Kind kind) const { return peek().kind == kind; }
  bool atName(std::string_view name) const {
    return peek().kind == MarkupToken::Kind::kName && peek().text == name;
  }
  bool accept(MarkupToken::Kind kind) {
    if (!at(kind)) return false;
    next();
    return true;
  }
  // The next token, which must be `kind`; else an error "expected WHAT but found ...".
  const MarkupToken& expect(MarkupToken::Kind kind, std::string_view what) {
    if (!at(kind))
      compiler_.fail(peek().offset,
                     "expected " + std::string(what) + " but found " + describeToken(peek()));
    return next();
  }
  // Fails unless every token was read.
  void expectEnd(std::string_view context) {
    if (!at(MarkupToken::Kind::kEnd))
      compiler_.fail(peek().offset,
                     "unexpected " + describeToken(peek()) + " " + std::string(context));
  }

 private:
  Compiler& compiler_;
  std::vector<MarkupToken> tokens_;
  size_t pos_ = 0;
};

}  // namespace herald::tmpl
