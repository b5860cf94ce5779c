#include "message/expand.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "message/locale.hpp"
#include "message/partials.hpp"
#include "util/suggest.hpp"
#include "util/yaml_error.hpp"
#include "util/yaml_json.hpp"

namespace herald::message {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::optional<std::string> readFile(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  if (!in) return std::nullopt;
  return buf.str();
}

std::string where(const SourcePos& p) {
  std::string out = p.file;
  if (p.line > 0) out += ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
  return out;
}

class Expander {
 public:
  Expander(MessageStep& s, Diagnostics& d) : s_(s), d_(d) {}

  bool run() {
    if (!s_.message_key.empty() && s_.config.is_object() && s_.config.contains(s_.message_key))
      loadMessageFile();
    for (const auto& part : s_.parts) {
      auto it = s_.config.find(part);
      if (it != s_.config.end() && it->is_object()) resolveFile("/" + escapeJsonPointerToken(part));
    }
    if (!s_.locales_key.empty() && s_.config.is_object() && s_.config.contains(s_.locales_key))
      checkLocales();
    return ok_;
  }

 private:
  SourcePos pos(const std::string& pointer) const {
    auto it = s_.positions.find(pointer);
    return it != s_.positions.end() ? it->second : s_.with_pos;
  }
  SourcePos keyPos(const std::string& pointer) const {
    auto it = s_.positions.find(pointer + "#key");
    return it != s_.positions.end() ? it->second : pos(pointer);
  }
  void error(const SourcePos& p, const std::string& msg) {
    d_.error(p, s_.context + ": " + msg);
    ok_ = false;
  }
  bool isPart(const std::string& key) const {
    return std::find(s_.parts.begin(), s_.parts.end(), key) != s_.parts.end();
  }
  std::string partList() const { return joinList(s_.parts, "and"); }

  void loadMessageFile() {
    const std::string ptr = "/" + escapeJsonPointerToken(s_.message_key);
    const json& v = s_.config[s_.message_key];
    const SourcePos at = pos(ptr);
    const std::string key = s_.message_key;
    if (!v.is_string() || !isPartialName(v.get<std::string>())) {
      error(at, "'" + key + "' must name a message file in templates/ beside the workflow, e.g. " +
                    key + ": welcome for templates/welcome.yaml");
      return;
    }
    const std::string name = v.get<std::string>();
    std::string file = (fs::path(s_.templates_dir) / (name + ".yaml")).string();
    std::optional<std::string> text = readFile(file);
    if (!text) {
      const std::string yml = (fs::path(s_.templates_dir) / (name + ".yml")).string();
      if ((text = readFile(yml))) file = yml;
    }
    if (!text) {
      const auto names = messageNames(s_.templates_dir);
      std::string msg = key + " '" + name + "': there is no file " + file;
      if (names.empty()) {
        msg += "; write the message there (a mapping of parts: " + partList() + ")";
      } else {
        msg += didYouMean(name, names) + "; message files there: " + joinList(names, "and");
      }
      error(at, msg);
      return;
    }
    auto yaml = std::make_shared<const std::string>(*text);
    YAML::Node root;
    try {
      root = YAML::Load(*yaml);
    } catch (const YAML::ParserException& e) {
      const auto problem = explainYamlError(file, *yaml, e);
      error(problem.pos, "YAML syntax error in message '" + name + "': " + problem.explanation);
      return;
    } catch (const YAML::Exception& e) {
      error({file, 0, 0}, std::string("cannot read message '") + name + "': " + e.what());
      return;
    }
    if (!root.IsMap()) {
      error({file, 1, 1}, "message '" + name + "' must be a mapping of parts (" + partList() +
                              ") and, optionally, locales");
      return;
    }
    std::map<std::string, SourcePos> fpos;
    const json doc = yamlToJson(root, file, fpos);
    auto fkeyPos = [&](const std::string& p) {
      auto it = fpos.find(p + "#key");
      return it != fpos.end() ? it->second : SourcePos{file, 1, 1};
    };
    for (const auto& [part, value] : doc.items()) {
      const std::string fp = "/" + escapeJsonPointerToken(part);
      if (part == "locales") {
        if (s_.locales_key.empty()) {
          error(fkeyPos(fp), "this step type has no locale variants; remove 'locales'");
          continue;
        }
        if (!value.is_object()) {
          error(fpos.count(fp) ? fpos[fp] : fkeyPos(fp),
                "'locales' maps a locale tag to the parts it overrides, e.g. locales: {ko: "
                "{subject: ..., text: ...}}");
          continue;
        }
        json& target = s_.config[s_.locales_key];
        if (target.is_null()) target = json::object();
        if (!target.is_object()) {
          error(pos("/" + escapeJsonPointerToken(s_.locales_key)),
                "'" + s_.locales_key + "' must be a mapping of locale tags");
          continue;
        }
        const std::string lp = "/" + escapeJsonPointerToken(s_.locales_key);
        for (const auto& [tag, variant] : value.items()) {
          const std::string ftag = fp + "/" + escapeJsonPointerToken(tag);
          const std::string ctag = lp + "/" + escapeJsonPointerToken(tag);
          if (!variant.is_object()) {
            target[tag] = variant;  // checkLocales() reports it
            s_.positions[ctag] = fpos[ftag];
            s_.positions[ctag + "#key"] = fkeyPos(ftag);
            continue;
          }
          json& into = target[tag];
          if (!into.is_object()) into = json::object();
          if (!s_.positions.count(ctag)) {
            s_.positions[ctag] = fpos[ftag];
            s_.positions[ctag + "#key"] = fkeyPos(ftag);
          }
          for (const auto& [p, part_text] : variant.items()) {
            const std::string fpart = ftag + "/" + escapeJsonPointerToken(p);
            const std::string cpart = ctag + "/" + escapeJsonPointerToken(p);
            if (into.contains(p)) {
              error(pos(cpart), s_.locales_key + "." + tag + "." + p + " is set both here and in " +
                                    where(fpos[fpart]) + " (" + key + ": " + name +
                                    "); keep one of them");
              continue;
            }
            into[p] = part_text;
            s_.positions[cpart] = fpos[fpart];
            s_.positions[cpart + "#key"] = fkeyPos(fpart);
            s_.sources[cpart] = TextSource{file, yaml};
          }
        }
        continue;
      }
      if (!isPart(part)) {
        error(fkeyPos(fp), "unknown part '" + part + "' in message '" + name + "'" +
                               didYouMean(part, s_.parts) + "; the parts of this step are " +
                               partList() + (s_.locales_key.empty() ? "" : ", and locales"));
        continue;
      }
      if (s_.config.contains(part)) {
        error(pos(fp), "'" + part + "' is set both here and in " + where(fpos[fp]) + " (" + key +
                           ": " + name + "); keep one of them");
        continue;
      }
      s_.config[part] = value;
      s_.positions[fp] = fpos[fp];
      s_.positions[fp + "#key"] = fkeyPos(fp);
      s_.sources[fp] = TextSource{file, yaml};
    }
    s_.config.erase(s_.message_key);
  }

  // A part written as {file: NAME}: the text of templates/NAME.
  void resolveFile(const std::string& pointer) {
    json& v = s_.config.at(json::json_pointer(pointer));
    const SourcePos at = pos(pointer);
    auto f = v.find("file");
    if (v.size() != 1 || f == v.end() || !f->is_string() || !isPartialName(f->get<std::string>())) {
      error(at,
            "a part is a template (text) or {file: NAME}, NAME a file in templates/ such as "
            "welcome.html");
      return;
    }
    const std::string path = (fs::path(s_.templates_dir) / f->get<std::string>()).string();
    auto text = readFile(path);
    if (!text) {
      error(at, "there is no file " + path + " (a part's {file: NAME} is read from " +
                    s_.templates_dir + ")");
      return;
    }
    v = std::move(*text);
    s_.sources[pointer] = TextSource{path, nullptr};
  }

  void checkLocales() {
    const std::string lp = "/" + escapeJsonPointerToken(s_.locales_key);
    json& locales = s_.config[s_.locales_key];
    if (!locales.is_object()) return;         // the schema says what it must be
    std::map<std::string, std::string> seen;  // normalized -> as written
    for (auto& [tag, variant] : locales.items()) {
      const std::string tp = lp + "/" + escapeJsonPointerToken(tag);
      if (!isValidLocaleTag(tag)) {
        error(keyPos(tp), "locale " + localeTagHint(tag));
        continue;
      }
      auto [it, inserted] = seen.emplace(normalizeLocale(tag), tag);
      if (!inserted) {
        error(keyPos(tp), "locale '" + tag + "' is the same as '" + it->second +
                              "' (tags are compared ignoring case, with _ read as -); merge them");
        continue;
      }
      if (!variant.is_object()) {
        error(pos(tp), "locale '" + tag + "' maps the parts it overrides, e.g. " + tag +
                           ": {subject: ..., text: ...}");
        continue;
      }
      for (auto& [part, text] : variant.items()) {
        const std::string pp = tp + "/" + escapeJsonPointerToken(part);
        if (!isPart(part)) {
          error(keyPos(pp), "unknown part '" + part + "' in locale '" + tag + "'" +
                                didYouMean(part, s_.parts) + "; the parts of this step are " +
                                partList());
          continue;
        }
        if (text.is_object()) resolveFile(pp);
        if (!text.is_string())
          error(pos(pp), "locale '" + tag + "' part '" + part +
                             "' must be a template (text) or {file: NAME}");
      }
      for (const auto& part : s_.parts) {
        auto base = s_.config.find(part);
        if (base == s_.config.end() || !base->is_string() || variant.contains(part)) continue;
        d_.warning(keyPos(tp), s_.context + ": locale '" + tag + "' has no '" + part +
                                   "': its contacts would get the base " + part +
                                   " with the rest in '" + tag + "' (mixed languages); add " +
                                   part + " under locale '" + tag + "'");
      }
    }
  }

  MessageStep& s_;
  Diagnostics& d_;
  bool ok_ = true;
};

}  // namespace

bool expandMessage(MessageStep& step, Diagnostics& diags) { return Expander(step, diags).run(); }

std::vector<std::string> messageNames(const std::string& templates_dir) {
  std::set<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(templates_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto& p = it->path();
    if (p.extension() == ".yaml" || p.extension() == ".yml") out.insert(p.stem().string());
  }
  return {out.begin(), out.end()};
}

}  // namespace herald::message
