#include "template/template.hpp"

// TEMPORARY STUB (lead): replaced by the Liquid compiler and renderer.
namespace herald::tmpl {

struct Template::Program {
  std::vector<Template::Variable> variables;
};

std::optional<Template> Template::compile(std::string_view, const CompileOptions&,
                                          CompileError& error) {
  error.message = "the Liquid engine is not built yet";
  return std::nullopt;
}

Template::Template(std::shared_ptr<const Program> program) : program_(std::move(program)) {}

bool Template::render(const RenderContext&, std::string&, RenderResult& result) const {
  result.status = RenderResult::Status::kError;
  result.error = "the Liquid engine is not built yet";
  return false;
}

std::string Template::renderToString(const RenderContext&) const { return "error: not built"; }
bool Template::isConstant() const { return false; }
const std::vector<Template::Variable>& Template::variables() const { return program_->variables; }

}  // namespace herald::tmpl
