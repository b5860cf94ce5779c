#include "email_mime/message.hpp"

#include <cctype>

#include "email_mime/body.hpp"
#include "email_mime/date.hpp"
#include "email_mime/header.hpp"
#include "email_mime/key_hash.hpp"

namespace herald::email_mime {
namespace {

void appendPart(std::string& out, const char* subtype, const std::string& body) {
  const EncodedBody encoded = encodeBody(body);
  out += "Content-Type: text/";
  out += subtype;
  out += "; charset=utf-8\r\n";
  out += "Content-Transfer-Encoding: ";
  out += encoded.encoding;
  out += "\r\n\r\n";
  out += encoded.text;
  // The CRLF before a boundary belongs to the boundary (RFC 2046 5.1.1):
  // quoted-printable needs one more to keep the text's last line break;
  // base64 lines end with theirs.
  if (encoded.encoding == std::string_view("quoted-printable")) out += "\r\n";
}

// Header names composeEmail() writes: an extra header may not repeat them.
constexpr std::string_view kOwnHeaders[] = {"Date",
                                            "From",
                                            "Reply-To",
                                            "To",
                                            "Cc",
                                            "Bcc",
                                            "Subject",
                                            "Message-ID",
                                            "MIME-Version",
                                            "Content-Type",
                                            "Content-Transfer-Encoding",
                                            "List-Unsubscribe",
                                            "List-Unsubscribe-Post",
                                            "DKIM-Signature",
                                            "Sender",
                                            "Return-Path"};

void appendEscaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
}

// Case-insensitive search for "<body" followed by a space, '>' or '/'.
size_t findBodyTag(const std::string& html) {
  for (size_t i = 0; i + 5 <= html.size(); ++i) {
    if (html[i] != '<') continue;
    bool match = true;
    for (size_t k = 0; k < 4 && match; ++k)
      match = std::tolower(static_cast<unsigned char>(html[i + 1 + k])) == "body"[k];
    if (!match) continue;
    const char next = i + 5 < html.size() ? html[i + 5] : '\0';
    if (next == '>' || next == ' ' || next == '\t' || next == '\n' || next == '\r' || next == '/')
      return i;
  }
  return std::string::npos;
}

}  // namespace

std::string withPreheader(const std::string& html, std::string_view preheader) {
  if (preheader.empty()) return html;
  std::string block =
      "<div style=\"display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;"
      "opacity:0;overflow:hidden;mso-hide:all\">";
  appendEscaped(block, preheader);
  block += "</div>";
  size_t at = 0;
  if (const size_t tag = findBodyTag(html); tag != std::string::npos) {
    const size_t close = html.find('>', tag);
    at = close == std::string::npos ? html.size() : close + 1;
  }
  std::string out;
  out.reserve(html.size() + block.size() + 1);
  out.append(html, 0, at);
  out += block;
  if (at > 0) out += '\n';
  out.append(html, at, std::string::npos);
  return out;
}

std::string messageId(const EmailMessage& message) {
  return messageIdForKey(message.key, domainOf(message.from.addr));
}

std::string extraHeaderError(std::string_view name) {
  if (!validHeaderName(name))
    return "'" + std::string(name) +
           "' is not a header name: use printable ASCII without spaces or ':' (X-Campaign)";
  for (std::string_view own : kOwnHeaders) {
    if (equalsIgnoreCase(name, own))
      return "'" + std::string(name) + "' is written by Herald itself; choose another header";
  }
  if (name.size() > 9 && equalsIgnoreCase(name.substr(0, 9), "X-Herald-"))
    return "'" + std::string(name) + "': X-Herald-* headers are Herald's own";
  return "";
}

std::string composeEmail(const EmailMessage& m) {
  std::string out;
  out.reserve(1024 + (m.text ? m.text->size() : 0) * 2 + (m.html ? m.html->size() : 0) * 2);
  out += headerLine("Date", rfc5322Date(m.date_ms));
  out += headerLine("From", formatAddress(m.from, 6));
  if (m.reply_to) out += headerLine("Reply-To", formatAddress(*m.reply_to, 10));
  out += headerLine("To", formatAddress(m.to, 4));
  out += headerLine("Subject", encodeHeaderText(sanitizeHeaderText(m.subject), 9));
  out += headerLine("Message-ID", "<" + messageId(m) + ">");
  out += "MIME-Version: 1.0\r\n";
  if (!m.list_unsubscribe.empty()) {
    // RFC 8058: a POST of exactly this body to the URL unsubscribes; the URL
    // is signed by the daemon and holds nothing personal in clear.
    out += headerLine("List-Unsubscribe", "<" + sanitizeHeaderText(m.list_unsubscribe) + ">");
    out += "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";
  }
  out += headerLine("X-Herald-Delivery-Key", encodeHeaderText(sanitizeHeaderText(m.key), 23));
  if (!m.workflow.empty()) {
    out += headerLine("X-Herald-Workflow", encodeHeaderText(sanitizeHeaderText(m.workflow), 19));
  }
  if (!m.step_id.empty()) {
    out += headerLine("X-Herald-Step", encodeHeaderText(sanitizeHeaderText(m.step_id), 15));
  }
  for (const auto& [name, value] : m.extra_headers) {
    if (!extraHeaderError(name).empty()) continue;  // the plugin checked them when it loaded
    out += headerLine(name, encodeHeaderText(sanitizeHeaderText(value), name.size() + 2));
  }
  if (m.text && m.html) {
    // "=_" cannot occur in quoted-printable or base64 text (every '=' there
    // starts a hex escape or is padding at a line's end), so this boundary
    // never collides with a body line.
    const std::string boundary = "=_herald_" + hashKey(m.key).hex().substr(0, 16);
    out += "Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n\r\n";
    out += "This is a multi-part message in MIME format.\r\n";
    out += "\r\n--" + boundary + "\r\n";
    appendPart(out, "plain", *m.text);
    out += "--" + boundary + "\r\n";
    appendPart(out, "html", withPreheader(*m.html, m.preheader));
    out += "--" + boundary + "--\r\n";
  } else {
    appendPart(out, m.html ? "html" : "plain",
               m.html ? withPreheader(*m.html, m.preheader) : m.text.value_or(""));
  }
  return out;
}

}  // namespace herald::email_mime
