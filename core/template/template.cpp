#include "template/template.hpp"

#include "template/compiler.hpp"
#include "template/program.hpp"
#include "template/render.hpp"

namespace herald::tmpl {

std::optional<Template> Template::compile(std::string_view text, const CompileOptions& options,
                                          CompileError& error) {
  auto program = std::make_shared<Program>();
  Compiler compiler(*program, options);
  if (!compiler.compile(text, error)) return std::nullopt;
  return Template(std::move(program));
}

Template::Template(std::shared_ptr<const Program> program) : program_(std::move(program)) {}

bool Template::render(const RenderContext& ctx, std::string& out, RenderResult& result) const {
  result.clear();
  const Program& p = *program_;
  if (p.constant) {
    if (!p.main.empty()) out.append(p.main[0].text);
    return true;
  }
  Renderer renderer(p, ctx, out, result);
  return renderer.run();
}

std::string Template::renderToString(const RenderContext& ctx) const {
  std::string out;
  RenderResult result;
  if (!render(ctx, out, result)) return "error: " + result.error;
  return out;
}

bool Template::isConstant() const { return program_->constant; }

const std::vector<Template::Variable>& Template::variables() const { return program_->variables; }

}  // namespace herald::tmpl
