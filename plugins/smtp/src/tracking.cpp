#include "tracking.hpp"

namespace herald::smtp {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool startsWithIgnoreCase(std::string_view s, size_t at, std::string_view prefix) {
  if (at + prefix.size() > s.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (lower(s[at + i]) != prefix[i]) return false;
  }
  return true;
}

bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::string unescapeAttribute(std::string_view v) {
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"&amp;", '&'}, {"&quot;", '"'}, {"&#39;", '\''}, {"&lt;", '<'}, {"&gt;", '>'}};
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    bool replaced = false;
    for (const auto& [entity, c] : kEntities) {
      if (v.substr(i, entity.size()) == entity) {
        out += c;
        i += entity.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += v[i];
  }
  return out;
}

std::string escapeAttribute(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '"') {
      out += "&quot;";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string rewriteLinks(
    std::string_view html,
    const std::function<std::optional<std::string>(const std::string&)>& signed_click) {
  std::string out;
  out.reserve(html.size() + html.size() / 4);
  size_t copied = 0;
  for (size_t i = 0; i + 2 < html.size(); ++i) {
    if (html[i] != '<' || lower(html[i + 1]) != 'a' || !space(html[i + 2])) continue;
    const size_t tag_end = html.find('>', i);
    if (tag_end == std::string_view::npos) break;
    // href="..." or href='...' inside this tag.
    for (size_t k = i + 2; k < tag_end; ++k) {
      if (!space(html[k - 1]) || !startsWithIgnoreCase(html, k, "href")) continue;
      size_t v = k + 4;
      while (v < tag_end && space(html[v])) ++v;
      if (v >= tag_end || html[v] != '=') continue;
      ++v;
      while (v < tag_end && space(html[v])) ++v;
      if (v >= tag_end || (html[v] != '"' && html[v] != '\'')) break;
      const char quote = html[v];
      const size_t value_start = v + 1;
      const size_t value_end = html.find(quote, value_start);
      if (value_end == std::string_view::npos || value_end > tag_end) break;
      const std::string target =
          unescapeAttribute(html.substr(value_start, value_end - value_start));
      if (!startsWithIgnoreCase(target, 0, "http://") &&
          !startsWithIgnoreCase(target, 0, "https://"))
        break;
      const std::optional<std::string> url = signed_click(target);
      if (!url) break;
      out.append(html, copied, value_start - copied);
      out += escapeAttribute(*url);
      copied = value_end;
      break;
    }
    i = tag_end;
  }
  out.append(html, copied, std::string_view::npos);
  return out;
}

std::string addOpenPixel(std::string_view html, std::string_view pixel_url) {
  const std::string pixel =
      "<img src=\"" + escapeAttribute(pixel_url) +
      "\" width=\"1\" height=\"1\" alt=\"\" style=\"display:block;border:0\">";
  size_t at = std::string_view::npos;
  for (size_t i = html.size(); i-- > 0;) {
    if (html[i] == '<' && startsWithIgnoreCase(html, i, "</body")) {
      at = i;
      break;
    }
  }
  std::string out(html);
  out.insert(at == std::string_view::npos ? out.size() : at, pixel);
  return out;
}

}  // namespace herald::smtp
