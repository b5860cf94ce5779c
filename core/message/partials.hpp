#pragma once
// The partials `{% render 'footer' %}` finds in a templates/ folder: for an
// HTML part templates/footer.html.liquid, then templates/footer.liquid; for a
// text or SMS part templates/footer.text.liquid, then footer.liquid. Files
// are read once and kept (a workflow's templates compile once per run).
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "template/template.hpp"

namespace herald::message {

class FolderPartials : public tmpl::PartialLoader {
 public:
  // `dir` as it should appear in error positions (e.g. "workflows/templates").
  explicit FolderPartials(std::string dir);

  std::optional<Source> load(std::string_view name, tmpl::Escape escape) const override;
  std::vector<std::string> names() const override;
  const std::string& dir() const { return dir_; }

 private:
  std::optional<Source> read(const std::string& file) const;
  std::string dir_;
  mutable std::mutex mutex_;
  mutable std::map<std::string, std::optional<Source>> cache_;
};

// True when `name` may name a partial: letters, digits, '-', '_', '.' and
// '/' for a subfolder, never "..".
bool isPartialName(std::string_view name);

}  // namespace herald::message
