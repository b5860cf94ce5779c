#include "message/partials.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace herald::message {
namespace fs = std::filesystem;

bool isPartialName(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string_view::npos)
    return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == '/';
    if (!ok) return false;
  }
  return true;
}

FolderPartials::FolderPartials(std::string dir) : dir_(std::move(dir)) {}

std::optional<tmpl::PartialLoader::Source> FolderPartials::read(const std::string& file) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = cache_.find(file); it != cache_.end()) return it->second;
  std::optional<Source> src;
  std::error_code ec;
  if (fs::is_regular_file(file, ec)) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in) src = Source{file, buf.str()};
  }
  cache_.emplace(file, src);
  return src;
}

std::optional<tmpl::PartialLoader::Source> FolderPartials::load(std::string_view name,
                                                                tmpl::Escape escape) const {
  if (!isPartialName(name)) return std::nullopt;
  const std::string base = (fs::path(dir_) / std::string(name)).string();
  const char* specific = escape == tmpl::Escape::kHtml ? ".html.liquid" : ".text.liquid";
  if (auto src = read(base + specific)) return src;
  return read(base + ".liquid");
}

std::vector<std::string> FolderPartials::names() const {
  std::set<std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string rel = it->path().lexically_relative(dir_).generic_string();
    for (const char* suffix : {".html.liquid", ".text.liquid", ".liquid"}) {
      const std::string s = suffix;
      if (rel.size() > s.size() && rel.compare(rel.size() - s.size(), s.size(), s) == 0) {
        out.insert(rel.substr(0, rel.size() - s.size()));
        break;
      }
    }
  }
  return {out.begin(), out.end()};
}

}  // namespace herald::message
