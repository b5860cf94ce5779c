#pragma once
// Reading one section of herald.yaml: scalars, mappings with known keys,
// whole numbers, durations, listen addresses; every problem goes to the
// diagnostics at FILE:LINE:COL. Shared by the sections' parsers.
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <set>
#include <string>

#include "config/daemon_config.hpp"
#include "config/http_config.hpp"
#include "util/diagnostic.hpp"

namespace herald::config {

inline SourcePos posOf(const std::filesystem::path& file, const YAML::Node& n) {
  const auto m = n.Mark();
  return {file.string(), m.line + 1, m.column + 1};
}

inline std::string knownList(const std::set<std::string>& s) {
  std::string out;
  for (const auto& k : s) out += (out.empty() ? "" : ", ") + k;
  return out;
}

class SectionReader {
 public:
  SectionReader(const std::filesystem::path& file, Diagnostics& diags)
      : file_(file), diags_(diags) {}

  std::optional<std::string> scalar(const YAML::Node& n, const std::string& what) {
    if (!n.IsScalar()) {
      diags_.error(posOf(file_, n), what + " must be a single value");
      return std::nullopt;
    }
    return n.Scalar();
  }
  // Iterates a mapping, reporting keys outside `known`.
  template <typename F>
  void mapping(const YAML::Node& n, const std::string& what, const std::set<std::string>& known,
               F&& f) {
    if (!n.IsMap()) {
      diags_.error(posOf(file_, n), what + " must be a mapping (" + knownList(known) + ")");
      return;
    }
    for (const auto& kv : n) {
      const auto key = kv.first.Scalar();
      if (!known.count(key)) {
        diags_.error(posOf(file_, kv.first),
                     "unknown " + what + " setting '" + key + "'; known: " + knownList(known));
      } else {
        f(key, kv.second);
      }
    }
  }
  void wholeNumber(const YAML::Node& n, const std::string& what, long lo, long hi, auto& out) {
    auto s = scalar(n, what);
    if (!s) return;
    long v = 0;
    try {
      size_t used = 0;
      v = std::stol(*s, &used);
      if (used != s->size()) v = lo - 1;
    } catch (const std::exception&) {
      v = lo - 1;
    }
    if (v < lo || v > hi) {
      diags_.error(posOf(file_, n), what + " must be a whole number from " + std::to_string(lo) +
                                        " to " + std::to_string(hi));
    } else {
      out = static_cast<std::remove_reference_t<decltype(out)>>(v);
    }
  }
  void duration(const YAML::Node& n, const std::string& what, std::chrono::milliseconds& out) {
    auto s = scalar(n, what);
    auto d = s ? parseDuration(*s) : std::nullopt;
    if (!d || d->count() <= 0) {
      if (s) diags_.error(posOf(file_, n), what + " must be a duration such as 500ms, 10s or 1m");
    } else {
      out = *d;
    }
  }
  void listen(const YAML::Node& n, const std::string& what, std::string& out) {
    auto s = scalar(n, what);
    std::string host;
    unsigned short port = 0;
    if (s && !splitListenAddress(*s, host, port)) {
      diags_.error(posOf(file_, n), what + " must be HOST:PORT, e.g. 127.0.0.1:8470 or [::1]:8470");
    } else if (s) {
      out = *s;
    }
  }
  void error(const YAML::Node& n, const std::string& message) {
    diags_.error(posOf(file_, n), message);
  }

 private:
  const std::filesystem::path& file_;
  Diagnostics& diags_;
};

}  // namespace herald::config
