#pragma once
// Helpers for the engine tests: compile-or-fail, render with data, and a
// PartialLoader over a real temporary templates/ folder.
#include <filesystem>
#include <string>

#include "template/template.hpp"

namespace herald::tmpl::testing {

// Compiles `text` (failing the test on a compile error) and renders it with
// `globals`, `contact`, `vars`; the output or "error: ...".
std::string render(const std::string& text,
                   const nlohmann::json& globals = nlohmann::json::object(),
                   const CompileOptions& options = {}, const store::Contact* contact = nullptr,
                   const nlohmann::json* vars = nullptr);

// The compile error of `text` (failing the test when it compiles).
CompileError compileError(const std::string& text, const CompileOptions& options = {});

// NAME.liquid files in a fresh temporary folder.
class FolderPartials : public PartialLoader {
 public:
  FolderPartials();
  ~FolderPartials() override;
  void write(const std::string& name, const std::string& text);
  std::optional<Source> load(std::string_view name, Escape escape) const override;
  std::vector<std::string> names() const override;
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace herald::tmpl::testing
