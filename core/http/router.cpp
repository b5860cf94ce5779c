#include "http/router.hpp"

#include "http/problem.hpp"

namespace herald::http {
namespace {

std::vector<std::string_view> splitPath(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 1;  // after the leading '/'
  while (i <= path.size()) {
    const size_t slash = path.find('/', i);
    const size_t end = slash == std::string_view::npos ? path.size() : slash;
    out.push_back(path.substr(i, end - i));
    i = end + 1;
  }
  return out;
}

bool parseQuery(std::string_view q, std::map<std::string, std::string>& out) {
  while (!q.empty()) {
    const size_t amp = q.find('&');
    const std::string_view pair = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    auto k = percentDecode(pair.substr(0, eq), true);
    auto v = percentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!k || !v) return false;
    out[*k] = *v;
  }
  return true;
}

}  // namespace

void Router::add(bhttp::verb method, std::string pattern, Handler handler, bool guarded) {
  Entry e{{method, pattern, guarded}, {}, std::move(handler)};
  for (auto s : splitPath(pattern)) e.segments.emplace_back(s);
  entries_.push_back(std::move(e));
}

std::vector<Router::Route> Router::routes() const {
  std::vector<Route> out;
  for (const auto& e : entries_) out.push_back(e.route);
  return out;
}

void Router::addPrefix(std::string prefix, Handler handler) {
  prefixes_.emplace_back(std::move(prefix), std::move(handler));
}

std::string Router::dispatch(const Request& req, Respond respond, std::string remote) const {
  const std::string_view target = sv(req.target());
  if (target.empty() || target.front() != '/') {
    respond(problemResponse(req, bhttp::status::bad_request,
                            "the request target must be an absolute path such as /livez"));
    return "unmatched";
  }
  const size_t qmark = target.find('?');
  const std::string_view raw_path = target.substr(0, qmark);
  Exchange ex{req, std::string(raw_path), {}, {}, std::move(remote)};
  if (qmark != std::string_view::npos && !parseQuery(target.substr(qmark + 1), ex.query)) {
    respond(problemResponse(req, bhttp::status::bad_request,
                            "the query string has a malformed %-escape"));
    return "unmatched";
  }
  const auto parts = splitPath(raw_path);
  std::string allow;
  for (const auto& e : entries_) {
    if (e.segments.size() != parts.size()) continue;
    std::map<std::string, std::string> params;
    bool match = true;
    for (size_t i = 0; i < parts.size() && match; ++i) {
      const auto& seg = e.segments[i];
      if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
        auto v = percentDecode(parts[i], false);
        if (!v || v->empty())
          match = false;
        else
          params[seg.substr(1, seg.size() - 2)] = std::move(*v);
      } else {
        match = seg == parts[i];
      }
    }
    if (!match) continue;
    if (e.route.method != req.method()) {
      allow += (allow.empty() ? "" : ", ") + std::string(sv(bhttp::to_string(e.route.method)));
      continue;
    }
    if (e.route.guarded && guard_) {
      if (auto refused = guard_(req)) {
        respond(std::move(*refused));
        return e.route.pattern;
      }
    }
    ex.params = std::move(params);
    e.handler(ex, std::move(respond));
    return e.route.pattern;
  }
  if (!allow.empty()) {
    auto res = problemResponse(
        req, bhttp::status::method_not_allowed,
        std::string(sv(req.method_string())) + " is not allowed here; allowed: " + allow);
    res.set(bhttp::field::allow, allow);
    respond(std::move(res));
    return "method_not_allowed";
  }
  for (const auto& [prefix, handler] : prefixes_) {
    if (ex.path.compare(0, prefix.size(), prefix) == 0) {
      handler(ex, std::move(respond));
      return prefix;
    }
  }
  respond(problemResponse(req, bhttp::status::not_found,
                          "no such resource; the API is described at /api/v1/openapi.json"));
  return "unmatched";
}

}  // namespace herald::http
