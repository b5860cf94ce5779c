#include "email_message.hpp"

#include "key.hpp"

namespace herald::outbox {
namespace {

void appendPart(std::string& out, const char* subtype, const std::string& body) {
  out += "Content-Type: text/";
  out += subtype;
  out += "; charset=utf-8\r\n";
  out += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
  out += quotedPrintable(body);
  out += "\r\n";
}

}  // namespace

std::string messageId(const EmailMessage& message) {
  const std::string& from = message.from.addr;
  return hashKey(message.key).hex() + "@" + from.substr(from.rfind('@') + 1);
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
  out += headerLine("X-Herald-Delivery-Key", encodeHeaderText(sanitizeHeaderText(m.key), 23));
  if (!m.workflow.empty()) {
    out += headerLine("X-Herald-Workflow", encodeHeaderText(sanitizeHeaderText(m.workflow), 19));
  }
  if (!m.step_id.empty()) {
    out += headerLine("X-Herald-Step", encodeHeaderText(sanitizeHeaderText(m.step_id), 15));
  }
  if (m.text && m.html) {
    // "=_" cannot occur in quoted-printable text (every '=' there starts a
    // hex escape), so this boundary never collides with a body line.
    const std::string boundary = "=_herald_" + hashKey(m.key).hex().substr(0, 16);
    out += "Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n\r\n";
    out += "This is a multi-part message in MIME format.\r\n";
    out += "\r\n--" + boundary + "\r\n";
    appendPart(out, "plain", *m.text);
    out += "--" + boundary + "\r\n";
    appendPart(out, "html", *m.html);
    out += "--" + boundary + "--\r\n";
  } else {
    appendPart(out, m.html ? "html" : "plain", m.html ? *m.html : m.text.value_or(""));
  }
  return out;
}

}  // namespace herald::outbox
