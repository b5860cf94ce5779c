#pragma once
// Herald's Liquid: a template is compiled once (when a workflow is loaded,
// or by `herald template render`) into an immutable program, then rendered
// per contact with no parsing and no exceptions on the hot path.
//
// The language is Shopify's Liquid as marketing templates use it (tags and
// filters: docs/templates.md); the deliberate differences are HTML
// auto-escaping, limits, undefined-variable modes and compile-time checks
// of variable roots, each documented there.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.hpp"

namespace herald::tmpl {

// How output ({{ }}) is written: kHtml escapes & < > " ' unless the value
// went through the `raw` filter; kNone writes it as is (text and SMS parts).
enum class Escape : uint8_t { kNone, kHtml };

// What an output whose variable is nil (missing or empty) with no `default`
// filter does: kLenient renders nothing and counts it (RenderResult::
// undefined); kStrict fails the render, naming the variable.
enum class Undefined : uint8_t { kLenient, kStrict };

// Bounds no template can exceed, so none can hurt the daemon. Exceeding one
// at render time fails that render (RenderResult::Status::kLimit) with a
// reason naming the limit; nesting is checked when compiling.
struct Limits {
  size_t max_output_bytes = 512 * 1024;  // one rendered template
  uint64_t max_iterations = 10'000;      // all loop iterations of one render together
  uint32_t max_depth = 24;               // nested blocks plus partials
};

// Where `{% render 'NAME' %}` finds its partials (templates/NAME.liquid...).
class PartialLoader {
 public:
  virtual ~PartialLoader() = default;
  struct Source {
    std::string path;  // shown in errors: FILE:LINE:COL points into it
    std::string text;
  };
  // The partial `name` for a part written with `escape` (an HTML part may
  // prefer NAME.html.liquid); nullopt when there is none.
  virtual std::optional<Source> load(std::string_view name, Escape escape) const = 0;
  // Names that exist, for "did you mean" in errors.
  virtual std::vector<std::string> names() const = 0;
};

struct CompileOptions {
  Escape escape = Escape::kNone;
  const PartialLoader* partials = nullptr;  // nullptr: {% render %} is a compile error
  // The root variables a template may read besides the names it assigns
  // itself (assign, capture, for). Empty: any name (nil when absent), as
  // for `--data` files and the conformance tests. Workflows pass
  // {"contact", "vars"}, so a misspelt root is a compile error.
  std::vector<std::string> roots;
  Limits limits;
};

// Where a template is malformed. `path` is empty for the template itself,
// else the partial file the problem is in; line and column (1-based) are
// within that text.
struct CompileError {
  std::string path;
  size_t offset = 0;
  int line = 1;
  int column = 1;
  std::string message;  // what is wrong and what would be valid
  // Other places of the same text the mistake involves, each with its own
  // position so that a caller maps it to the file like the error itself:
  // every further block left open (errors), or where the block a stray
  // closing tag meets was opened (a note).
  struct Related {
    size_t offset = 0;
    int line = 1;
    int column = 1;
    std::string message;
    bool note = false;
  };
  std::vector<Related> related;
};

// What a render reads. Every pointer is borrowed for the call.
struct RenderContext {
  const store::Contact* contact = nullptr;  // `contact` (nil when null)
  const nlohmann::json* vars = nullptr;     // `vars`, the journey's variables (an object)
  const nlohmann::json* globals = nullptr;  // any other top-level name (an object)
  std::string_view locale;    // money/number formatting; "" = the contact's, else en-US
  std::string_view timezone;  // the date filter; "" = the contact's, else UTC
  std::string_view currency;  // money without an argument; "" = USD
  int64_t now_ms = 0;         // "now" / "today" in the date filter
  Undefined undefined = Undefined::kLenient;
};

struct RenderResult {
  enum class Status : uint8_t {
    kOk,
    kUndefined,  // strict mode: a variable was nil with no default
    kLimit,      // output size, loop iterations
    kError,      // a filter failed (divided_by: 0, ...)
  };
  Status status = Status::kOk;
  // When not kOk: the reason, naming the variable or the limit and the
  // template line, e.g. "undefined variable contact.attributes.city (line 3)".
  std::string error;
  // Lenient mode: the ids (index into Template::variables()) of outputs that
  // rendered nil with no default, each once.
  std::vector<uint32_t> undefined;

  void clear() {
    status = Status::kOk;
    error.clear();
    undefined.clear();
  }
};

class Template {
 public:
  // Compiles `text`; nullopt and `error` when it is malformed.
  static std::optional<Template> compile(std::string_view text, const CompileOptions& options,
                                         CompileError& error);

  // Appends the rendered text to `out`. False when result.status is not kOk
  // (then `out` holds a partial render the caller discards).
  bool render(const RenderContext& ctx, std::string& out, RenderResult& result) const;
  // Convenience for tests and previews: the rendered text, or the error
  // text prefixed by "error: ".
  std::string renderToString(const RenderContext& ctx) const;

  // True when the template is plain text (render returns it unchanged).
  bool isConstant() const;

  // The variables the template outputs, for undefined-variable reports and
  // `validate`'s warning: "contact.first_name", "vars.picks.first.name"...
  struct Variable {
    std::string name;
    int line = 0;
    int column = 0;
    bool has_default = false;  // the output's filters include `default`
  };
  const std::vector<Variable>& variables() const;

  struct Program;  // template.cpp / compile.cpp

 private:
  explicit Template(std::shared_ptr<const Program> program);
  std::shared_ptr<const Program> program_;  // immutable: copies share it
};

}  // namespace herald::tmpl
