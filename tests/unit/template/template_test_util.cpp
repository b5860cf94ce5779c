#include "template_test_util.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

namespace herald::tmpl::testing {

std::string render(const std::string& text, const nlohmann::json& globals,
                   const CompileOptions& options, const store::Contact* contact,
                   const nlohmann::json* vars) {
  CompileError err;
  auto t = Template::compile(text, options, err);
  if (!t) {
    ADD_FAILURE() << "compile error " << err.line << ":" << err.column << ": " << err.message
                  << "\n  in: " << text;
    return "<compile error>";
  }
  RenderContext ctx;
  ctx.globals = &globals;
  ctx.contact = contact;
  ctx.vars = vars;
  return t->renderToString(ctx);
}

CompileError compileError(const std::string& text, const CompileOptions& options) {
  CompileError err;
  auto t = Template::compile(text, options, err);
  if (t) ADD_FAILURE() << "compiled, but an error was expected: " << text;
  return err;
}

FolderPartials::FolderPartials() {
  std::random_device rd;
  dir_ = std::filesystem::temp_directory_path() /
         ("herald-partials-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(dir_);
}

FolderPartials::~FolderPartials() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void FolderPartials::write(const std::string& name, const std::string& text) {
  std::ofstream(dir_ / (name + ".liquid")) << text;
}

std::optional<PartialLoader::Source> FolderPartials::load(std::string_view name, Escape) const {
  const auto path = dir_ / (std::string(name) + ".liquid");
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return Source{"templates/" + std::string(name) + ".liquid", ss.str()};
}

std::vector<std::string> FolderPartials::names() const {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir_)) {
    if (e.path().extension() == ".liquid") out.push_back(e.path().stem().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace herald::tmpl::testing
