#include "config/http_config.hpp"

#include <set>
#include <sstream>

#include "config/daemon_config.hpp"
#include "util/credential.hpp"

namespace herald::config {
namespace {

SourcePos posOf(const std::filesystem::path& file, const YAML::Node& n) {
  const auto m = n.Mark();
  return {file.string(), m.line + 1, m.column + 1};
}

std::string knownList(const std::set<std::string>& s) {
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

}  // namespace

bool splitListenAddress(const std::string& text, std::string& host, unsigned short& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= text.size()) return false;
  host = text.substr(0, colon);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return false;
    host = host.substr(1, host.size() - 2);
  }
  const std::string digits = text.substr(colon + 1);
  if (digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos)
    return false;
  const long p = std::stol(digits);
  if (p > 65535) return false;
  port = static_cast<unsigned short>(p);
  return true;
}

void parseHttpSection(const YAML::Node& node, const std::filesystem::path& file, HttpConfig& out,
                      Diagnostics& diags) {
  SectionReader r(file, diags);
  r.mapping(
      node, "http", {"admin", "public", "limits"},
      [&](const std::string& key, const YAML::Node& v) {
        if (key == "admin") {
          r.mapping(v, "http.admin", {"listen", "tokens", "token_file"},
                    [&](const std::string& k, const YAML::Node& x) {
                      if (k == "listen") {
                        r.listen(x, "http.admin.listen", out.admin_listen);
                      } else if (k == "tokens") {
                        if (!x.IsSequence()) {
                          r.error(x, "http.admin.tokens must be a list of bearer tokens");
                          return;
                        }
                        for (const auto& t : x) {
                          auto s = r.scalar(t, "each http.admin.tokens entry");
                          if (s && s->size() < 16) {
                            r.error(t,
                                    "an admin token must have at least 16 characters (e.g. "
                                    "`openssl rand -hex 32`)");
                          } else if (s) {
                            out.admin_tokens.push_back(*s);
                          }
                        }
                      } else {
                        auto s = r.scalar(x, "http.admin.token_file");
                        if (!s) return;
                        const auto text = readCredential(*s);
                        if (!text) {
                          r.error(x, "cannot read the token file " + credentialPath(*s).string());
                          return;
                        }
                        std::istringstream lines(*text);
                        std::string line;
                        while (std::getline(lines, line)) {
                          line = trimmedCredential(line);
                          if (!line.empty() && line[0] != '#') out.admin_tokens.push_back(line);
                        }
                      }
                    });
        } else if (key == "public") {
          r.mapping(v, "http.public", {"listen", "base_url"},
                    [&](const std::string& k, const YAML::Node& x) {
                      if (k == "listen") {
                        r.listen(x, "http.public.listen", out.public_listen);
                      } else if (auto s = r.scalar(x, "http.public.base_url")) {
                        if (!s->starts_with("http://") && !s->starts_with("https://")) {
                          r.error(x, "http.public.base_url must start with https:// (or http://)");
                        } else {
                          out.public_base_url = *s;
                          while (out.public_base_url.ends_with('/')) out.public_base_url.pop_back();
                        }
                      }
                    });
        } else {
          auto& l = out.limits;
          r.mapping(v, "http.limits",
                    {"max_connections", "max_header_bytes", "max_body_bytes", "read_timeout",
                     "max_batch_events", "webhook_per_second", "webhook_burst"},
                    [&](const std::string& k, const YAML::Node& x) {
                      const std::string what = "http.limits." + k;
                      if (k == "max_connections")
                        r.wholeNumber(x, what, 1, 1'000'000, l.max_connections);
                      if (k == "max_header_bytes")
                        r.wholeNumber(x, what, 1024, 1 << 20, l.max_header_bytes);
                      if (k == "max_body_bytes")
                        r.wholeNumber(x, what, 1024, 1L << 30, l.max_body_bytes);
                      if (k == "max_batch_events")
                        r.wholeNumber(x, what, 1, 100'000, l.max_batch_events);
                      if (k == "webhook_per_second")
                        r.wholeNumber(x, what, 1, 1'000'000, l.webhook_per_second);
                      if (k == "webhook_burst")
                        r.wholeNumber(x, what, 1, 1'000'000, l.webhook_burst);
                      if (k == "read_timeout") r.duration(x, what, l.read_timeout);
                    });
        }
      });
}

void parseLinksSection(const YAML::Node& node, const std::filesystem::path& file, LinksConfig& out,
                       Diagnostics& diags) {
  SectionReader r(file, diags);
  r.mapping(node, "links", {"keys", "lifetime"}, [&](const std::string& key, const YAML::Node& v) {
    if (key == "lifetime") {
      r.duration(v, "links.lifetime", out.lifetime);
      return;
    }
    if (!v.IsSequence()) {
      r.error(v, "links.keys must be a list of {id, secret_file} (the first key signs)");
      return;
    }
    for (const auto& k : v) {
      LinkKey lk;
      bool has_secret = false;
      r.mapping(k, "links.keys entry", {"id", "secret", "secret_file"},
                [&](const std::string& f, const YAML::Node& x) {
                  auto s = r.scalar(x, "links.keys " + f);
                  if (!s) return;
                  if (f == "id") {
                    if (s->empty() || s->size() > 16 ||
                        s->find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                             "0123456789-_") != std::string::npos) {
                      r.error(x, "a link key id must be 1 to 16 letters, digits, '-' or '_'");
                    } else {
                      lk.id = *s;
                    }
                    return;
                  }
                  std::optional<std::string> secret = *s;
                  if (f == "secret_file" && !(secret = readCredential(*s))) {
                    r.error(x, "cannot read the link key file " + credentialPath(*s).string());
                    return;
                  }
                  *secret = trimmedCredential(*secret);
                  if (secret->size() < 32) {
                    r.error(x,
                            "a link key secret must have at least 32 characters (e.g. "
                            "`openssl rand -hex 32`)");
                    return;
                  }
                  lk.secret = *secret;
                  has_secret = true;
                });
      if (k.IsMap() && (lk.id.empty() || !has_secret)) {
        r.error(k, "each links.keys entry needs an id and a secret_file (or secret)");
        continue;
      }
      for (const auto& other : out.keys) {
        if (other.id == lk.id) r.error(k, "links.keys repeats the key id '" + lk.id + "'");
      }
      if (!lk.id.empty() && has_secret) out.keys.push_back(std::move(lk));
    }
  });
}

}  // namespace herald::config
