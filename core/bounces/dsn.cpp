#include "bounces/dsn.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace herald::bounces {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Splits at the first empty line: (headers, body). Accepts CRLF or LF.
std::pair<std::string_view, std::string_view> splitHead(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n') continue;
    size_t j = i + 1;
    if (j < text.size() && text[j] == '\r') ++j;
    if (j < text.size() && text[j] == '\n') return {text.substr(0, i + 1), text.substr(j + 1)};
    if (i == 0) return {std::string_view(), text.substr(1)};
  }
  return {text, std::string_view()};
}

// Header fields (name lower-cased, continuation lines unfolded), in order.
std::vector<std::pair<std::string, std::string>> fields(std::string_view head) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = 0;
  while (pos < head.size()) {
    size_t end = head.find('\n', pos);
    if (end == std::string_view::npos) end = head.size();
    std::string_view line = head.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end + 1;
    if (line.empty()) continue;
    if ((line.front() == ' ' || line.front() == '\t') && !out.empty()) {
      out.back().second += ' ';
      out.back().second += trim(line);
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    out.emplace_back(lower(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
  }
  return out;
}

std::string field(const std::vector<std::pair<std::string, std::string>>& f,
                  std::string_view name) {
  for (const auto& [n, v] : f)
    if (n == name) return v;
  return {};
}

// The value of parameter `name` in a Content-Type ("multipart/report;
// boundary="x"").
std::string parameter(std::string_view content_type, std::string_view name) {
  const std::string lowered = lower(content_type);
  size_t at = 0;
  while ((at = lowered.find(name, at)) != std::string::npos) {
    const bool starts = at == 0 || lowered[at - 1] == ';' ||
                        std::isspace(static_cast<unsigned char>(lowered[at - 1]));
    size_t eq = at + name.size();
    while (eq < lowered.size() && std::isspace(static_cast<unsigned char>(lowered[eq]))) ++eq;
    if (!starts || eq >= lowered.size() || lowered[eq] != '=') {
      at += name.size();
      continue;
    }
    std::string_view rest = trim(content_type.substr(eq + 1));
    if (!rest.empty() && rest.front() == '"') {
      const size_t close = rest.find('"', 1);
      return std::string(
          rest.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
    }
    const size_t end = rest.find_first_of("; \t");
    return std::string(rest.substr(0, end));
  }
  return {};
}

// The parts of a multipart body between "--boundary" lines.
std::vector<std::string_view> parts(std::string_view body, const std::string& boundary) {
  std::vector<std::string_view> out;
  const std::string delimiter = "--" + boundary;
  size_t pos = body.find(delimiter);
  while (pos != std::string_view::npos) {
    size_t start = body.find('\n', pos);
    if (start == std::string_view::npos) break;
    if (body.compare(pos + delimiter.size(), 2, "--") == 0) break;  // the closing delimiter
    ++start;
    const size_t next = body.find("\n" + delimiter, start);
    if (next == std::string_view::npos) {
      out.push_back(body.substr(start));
      break;
    }
    out.push_back(body.substr(start, next + 1 - start));
    pos = next + 1;
  }
  return out;
}

// "rfc822; ann@example.com" -> "ann@example.com"; "smtp; 550 ..." -> "550 ...".
std::string withoutType(const std::string& value) {
  const size_t semi = value.find(';');
  std::string_view v = semi == std::string::npos ? std::string_view(value)
                                                 : std::string_view(value).substr(semi + 1);
  v = trim(v);
  if (v.size() >= 2 && v.front() == '<' && v.back() == '>') v = v.substr(1, v.size() - 2);
  return std::string(v);
}

void readDeliveryStatus(std::string_view body, Dsn& dsn) {
  // Groups of fields separated by empty lines: the first is about the
  // message, each further one about a recipient.
  size_t pos = 0;
  bool first = true;
  while (pos <= body.size()) {
    auto [group, rest] = splitHead(body.substr(pos));
    if (!first) {
      const auto f = fields(group);
      DsnRecipient r;
      r.address = withoutType(field(f, "final-recipient"));
      if (r.address.empty()) r.address = withoutType(field(f, "original-recipient"));
      r.action = lower(field(f, "action"));
      r.status = std::string(trim(field(f, "status")));
      r.diagnostic = withoutType(field(f, "diagnostic-code"));
      if (!r.address.empty() && !r.action.empty()) dsn.recipients.push_back(std::move(r));
    }
    first = false;
    if (rest.empty() || rest.data() == body.data() + body.size()) break;
    pos = static_cast<size_t>(rest.data() - body.data());
  }
}

void readPart(std::string_view part, Dsn& dsn, int depth) {
  auto [head, body] = splitHead(part);
  const auto f = fields(head);
  const std::string type = lower(field(f, "content-type"));
  if (type.starts_with("multipart/") && depth < 4) {
    const std::string boundary = parameter(field(f, "content-type"), "boundary");
    if (boundary.empty()) return;
    for (std::string_view p : parts(body, boundary)) readPart(p, dsn, depth + 1);
  } else if (type.starts_with("message/delivery-status") ||
             type.starts_with("message/global-delivery-status")) {
    readDeliveryStatus(body, dsn);
  } else if (type.starts_with("text/rfc822-headers") || type.starts_with("message/rfc822") ||
             type.starts_with("text/rfc822-header")) {
    const auto [original, ignored] = splitHead(body);
    const std::string id = field(fields(original), "message-id");
    if (!id.empty()) dsn.original_message_id = id;
  }
}

}  // namespace

std::optional<Dsn> parseDsn(std::string_view message) {
  auto [head, body] = splitHead(message);
  const auto f = fields(head);
  const std::string content_type = field(f, "content-type");
  const std::string type = lower(content_type);
  if (!type.starts_with("multipart/report") ||
      lower(parameter(content_type, "report-type")).find("delivery-status") == std::string::npos)
    return std::nullopt;
  Dsn dsn;
  readPart(message, dsn, 0);
  if (dsn.recipients.empty()) return std::nullopt;
  return dsn;
}

bool isHardBounce(const DsnRecipient& r) {
  return r.action == "failed" && r.status.starts_with("5.") && !r.status.starts_with("5.7.");
}

}  // namespace herald::bounces
