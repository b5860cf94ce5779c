// Named segments: the files of a segments/ folder, resolved against each
// other (with cycle detection), and what `herald segment preview` accepts.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "segment/parse.hpp"
#include "segment/rule_parser.hpp"
#include "segment/time.hpp"
#include "util/suggest.hpp"
#include "util/time_zone.hpp"
#include "util/yaml_error.hpp"
#include "util/yaml_json.hpp"

namespace herald::segment {
namespace detail {

// A named segment file read and checked, its rule not yet parsed.
struct SegmentFile {
  NamedSegment segment;
  nlohmann::json doc;
  Positions positions;
  bool ok = true;  // the header (name, description, timezone) is fine
};

}  // namespace detail
namespace {

namespace fs = std::filesystem;
using detail::SegmentFile;
using nlohmann::json;

const std::vector<std::string> kFileKeys = {"name", "description", "timezone", "rule"};

std::optional<std::string> readText(const std::string& path, Diagnostics& diags) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.error({path, 0, 0}, "cannot read the segment file");
    return std::nullopt;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::optional<YAML::Node> readYaml(const std::string& path, const std::string& text,
                                   Diagnostics& diags) {
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    const auto problem = explainYamlError(path, text, e);
    diags.error(problem.pos, "YAML syntax error: " + problem.explanation);
  } catch (const YAML::Exception& e) {
    diags.error({path, 0, 0}, std::string("YAML error: ") + e.what());
  }
  return std::nullopt;
}

// Checks everything but the rule. `stem`: the name the file's name implies
// (empty: any valid name).
std::optional<SegmentFile> readSegmentFile(const std::string& path, const YAML::Node& root,
                                           const std::string& stem, Diagnostics& diags) {
  const SourcePos top{path, 1, 1};
  if (!root.IsDefined() || root.IsNull() || !root.IsMap()) {
    diags.error(root.IsDefined() && !root.IsNull() ? positionOf(root, path) : top,
                "a named segment file is a mapping with name, description, timezone and rule, "
                "e.g. name: lapsed-customers / rule: {event: purchase, older_than: 90d}");
    return std::nullopt;
  }
  const size_t before = diags.errorCount();
  detail::checkDuplicateKeys(root, path, diags);
  SegmentFile f;
  f.doc = yamlToJson(root, path, f.positions);
  f.segment.path = path;
  f.segment.pos = top;
  auto pos = [&](const std::string& ptr) {
    auto it = f.positions.find(ptr);
    return it == f.positions.end() ? top : it->second;
  };
  for (const auto& [key, v] : f.doc.items()) {
    const std::string ptr = "/" + escapeJsonPointerToken(key);
    if (key == "name") {
      f.segment.pos = pos(ptr);
      const std::string s = v.is_string() ? v.get<std::string>() : "";
      if (!detail::isSegmentName(s)) {
        diags.error(pos(ptr),
                    "a segment name is lower-case letters, digits, '-' and '_', "
                    "starting with a letter or digit (at most 64), e.g. "
                    "lapsed-customers; got " +
                        (v.is_string() ? "'" + s + "'" : v.dump()));
      } else if (!stem.empty() && s != stem) {
        diags.error(pos(ptr), "the segment's name must match its file name: name: " + stem +
                                  " in " + fs::path(path).filename().string() + " (got '" + s +
                                  "')");
      }
      f.segment.name = s;
    } else if (key == "description") {
      if (v.is_string())
        f.segment.description = v.get<std::string>();
      else if (!v.is_null())
        diags.error(pos(ptr), "'description' is one line of text for people");
    } else if (key == "timezone") {
      const std::string s = v.is_string() ? v.get<std::string>() : "";
      if (!isKnownTimeZone(s)) {
        const auto close = closeMatches(s, timeZoneNames(), 3);
        diags.error(pos(ptr),
                    "unknown time zone " + (v.is_string() ? "'" + s + "'" : v.dump()) + "; " +
                        (close.empty() ? "use a tz database name such as Europe/Berlin, "
                                         "America/New_York or UTC"
                                       : "did you mean " + joinList(close, "or", true) + "?"));
      } else {
        f.segment.timezone = s;
      }
    } else if (key != "rule") {
      diags.error(pos(ptr + "#key"), "unknown key '" + key + "' in a named segment" +
                                         didYouMean(key, kFileKeys) +
                                         "; known keys: " + joinList(kFileKeys, "and"));
    }
  }
  if (!f.doc.contains("name"))
    diags.error(top,
                "missing 'name' (e.g. name: " + (stem.empty() ? "lapsed-customers" : stem) + ")");
  if (!f.doc.contains("rule"))
    diags.error(top, "missing 'rule': who the segment is, e.g. rule: {tags: {has: vip}}");
  f.ok = diags.errorCount() == before;
  return f;
}

}  // namespace

// Parses the segments of one folder, resolving names among them.
class LibraryBuilder : public detail::Resolver {
  using SegmentFile = detail::SegmentFile;

 public:
  LibraryBuilder(Library& library, Diagnostics& diags) : library_(library), diags_(diags) {}

  void add(SegmentFile f) {
    const std::string name = f.segment.name;
    if (name.empty()) return;
    if (auto it = files_.find(name); it != files_.end()) {
      diags_.error(f.segment.pos, "segment name '" + name + "' is also used by " +
                                      it->second.segment.path +
                                      "; each segment needs its own name");
      return;
    }
    files_.emplace(name, std::move(f));
  }

  void build() {
    for (const auto& [name, f] : files_) parse(name);
  }

  RulePtr resolve(const std::string& name, const SourcePos& at, Diagnostics& diags) override {
    if (!stack_.empty()) stack_.back().ref = at;
    for (size_t i = 0; i < stack_.size(); ++i) {
      if (stack_[i].name != name) continue;
      std::vector<std::string> chain;
      for (size_t k = i; k < stack_.size(); ++k) chain.push_back(stack_[k].name);
      chain.push_back(name);
      std::string path;
      for (const auto& n : chain) path += (path.empty() ? "" : " -> ") + n;
      for (size_t k = i; k < stack_.size(); ++k) {
        diags.error(stack_[k].ref, "named segments refer to each other in a cycle: " + path +
                                       "; a segment may not include itself, directly or "
                                       "through others");
        cyclic_.insert(stack_[k].name);
      }
      return nullptr;
    }
    if (files_.count(name)) {
      RulePtr r = parse(name);
      if (!r && !(cyclic_.count(name) && !stack_.empty() && cyclic_.count(stack_.back().name)))
        diags.error(at, "segment '" + name + "' (" + files_.at(name).segment.path +
                            ") has errors; fix them first");
      return r;
    }
    std::vector<std::string> known;
    for (const auto& [n, f] : files_) known.push_back(n);
    detail::reportUnknownSegment(name, at, known, library_.dir(), diags);
    return nullptr;
  }

 private:
  RulePtr parse(const std::string& name) {
    if (auto it = done_.find(name); it != done_.end()) return it->second;
    SegmentFile& f = files_.at(name);
    stack_.push_back({name, {}});
    const size_t before = diags_.errorCount();
    RulePtr rule = f.doc.contains("rule")
                       ? detail::parseRuleWith(f.doc, "/rule", f.positions, *this, diags_)
                       : nullptr;
    stack_.pop_back();
    if (diags_.errorCount() != before || !f.ok) rule = nullptr;
    done_[name] = rule;
    if (rule) {
      NamedSegment seg = f.segment;
      seg.rule = rule;
      library_.segments_[name] = std::move(seg);
    } else {
      library_.broken_[name] = f.segment.path;
    }
    return rule;
  }

  struct Frame {
    std::string name;
    SourcePos ref;  // where this segment refers to the next one on the stack
  };
  Library& library_;
  Diagnostics& diags_;
  std::map<std::string, SegmentFile> files_;
  std::map<std::string, RulePtr> done_;
  std::vector<Frame> stack_;
  std::set<std::string> cyclic_;
};

Library Library::load(const std::string& dir, Diagnostics& diags) {
  Library library;
  library.dir_ = dir;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return library;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const auto ext = entry.path().extension().string();
    if ((ext == ".yaml" || ext == ".yml") && entry.is_regular_file(ec))
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  LibraryBuilder builder(library, diags);
  for (const auto& p : files) {
    const std::string path = (fs::path(dir) / p.filename()).string();
    const auto text = readText(path, diags);
    if (!text) continue;
    const auto root = readYaml(path, *text, diags);
    if (!root) continue;
    auto f = readSegmentFile(path, *root, p.stem().string(), diags);
    if (!f) continue;
    if (f->segment.name.empty() || !detail::isSegmentName(f->segment.name)) continue;
    builder.add(std::move(*f));
  }
  builder.build();
  return library;
}

const NamedSegment* Library::find(const std::string& name) const {
  auto it = segments_.find(name);
  return it == segments_.end() ? nullptr : &it->second;
}

const std::string* Library::brokenPath(const std::string& name) const {
  auto it = broken_.find(name);
  return it == broken_.end() ? nullptr : &it->second;
}

std::vector<std::string> Library::names() const {
  std::vector<std::string> out;
  for (const auto& [name, s] : segments_) out.push_back(name);
  for (const auto& [name, p] : broken_) out.push_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<LoadedRule> loadRuleArgument(const std::string& arg, const Library& library,
                                           Diagnostics& diags) {
  if (const NamedSegment* s = library.find(arg)) return LoadedRule{s->rule, s->timezone, arg};
  detail::LibraryResolver resolver(&library);
  std::error_code ec;
  if (fs::is_regular_file(arg, ec)) {
    const auto text = readText(arg, diags);
    if (!text) return std::nullopt;
    const auto root = readYaml(arg, *text, diags);
    if (!root) return std::nullopt;
    const size_t before = diags.errorCount();
    if (root->IsMap() && root->size() > 0 && (*root)["rule"]) {
      auto f = readSegmentFile(arg, *root, "", diags);
      if (!f) return std::nullopt;
      RulePtr rule = detail::parseRuleWith(f->doc, "/rule", f->positions, resolver, diags);
      if (!rule || diags.errorCount() != before) return std::nullopt;
      return LoadedRule{rule, f->segment.timezone, arg};
    }
    if (!root->IsDefined() || root->IsNull()) {
      diags.error({arg, 1, 1},
                  "the file is empty; it should hold a rule such as {tags: {has: vip}}");
      return std::nullopt;
    }
    RulePtr rule = parseRule(*root, arg, &library, diags);
    if (!rule) return std::nullopt;
    return LoadedRule{rule, std::nullopt, arg};
  }
  const auto ext = fs::path(arg).extension().string();
  if (ext == ".yaml" || ext == ".yml" || fs::exists(arg, ec)) {
    diags.error({arg, 0, 0}, fs::exists(arg, ec) ? "not a file" : "no such file");
    return std::nullopt;
  }
  const std::string label = "<rule>";
  const auto root = readYaml(label, arg, diags);
  if (!root) return std::nullopt;
  if (root->IsScalar()) {
    // A bare word: the name of a segment that is not in the library.
    resolver.resolve(arg, {label, 1, 1}, diags);
    return std::nullopt;
  }
  RulePtr rule = parseRule(*root, label, &library, diags);
  if (!rule) return std::nullopt;
  return LoadedRule{rule, std::nullopt, label};
}

}  // namespace herald::segment
