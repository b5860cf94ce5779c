#include "email_mime/address.hpp"

#include "email_mime/header.hpp"
#include "email_mime/utf8.hpp"

namespace herald::email_mime {
namespace {

bool isAtext(char c) {
  const auto u = static_cast<unsigned char>(c);
  if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool validDomain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  size_t label = 0;
  char prev = '.';
  for (char c : domain) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '.') {
      if (label == 0 || prev == '-') return false;
      label = 0;
    } else if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
               c == '-') {
      if (label == 0 && c == '-') return false;
      if (++label > 63) return false;
    } else {
      return false;
    }
    prev = c;
  }
  return label > 0 && prev != '-';
}

}  // namespace

bool validAddrSpec(std::string_view addr) {
  const size_t at = addr.rfind('@');
  if (at == std::string_view::npos || at == 0 || addr.size() > 254) return false;
  const std::string_view local = addr.substr(0, at);
  if (local.size() > 64 || local.front() == '.' || local.back() == '.') return false;
  char prev = 0;
  for (char c : local) {
    if (!(isAtext(c) || c == '.') || (c == '.' && prev == '.')) return false;
    prev = c;
  }
  return validDomain(addr.substr(at + 1));
}

std::optional<Address> parseAddress(std::string_view text, std::string& error) {
  text = trimBlanks(text);
  Address result;
  const size_t open = text.rfind('<');
  if (open == std::string_view::npos) {
    if (!validAddrSpec(text)) {
      error = "'" + std::string(text) +
              "' is not an email address; write it like news@example.com or "
              "\"Example News\" <news@example.com>";
      return std::nullopt;
    }
    result.addr = std::string(text);
    return result;
  }
  if (text.back() != '>') {
    error = "'" + std::string(text) + "' has text after the closing '>'";
    return std::nullopt;
  }
  const std::string_view addr = text.substr(open + 1, text.size() - open - 2);
  if (!validAddrSpec(addr)) {
    error = "'" + std::string(addr) + "' is not an email address; write it like news@example.com";
    return std::nullopt;
  }
  std::string_view name = trimBlanks(text.substr(0, open));
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    std::string unquoted;
    for (size_t i = 1; i + 1 < name.size(); ++i) {
      if (name[i] == '\\' && i + 2 < name.size()) ++i;
      unquoted += name[i];
    }
    result.name = unquoted;
  } else {
    result.name = std::string(name);
  }
  result.name = sanitizeHeaderText(result.name);
  result.addr = std::string(addr);
  return result;
}

std::string formatAddress(const Address& address, size_t first_column) {
  const std::string name = sanitizeHeaderText(address.name);
  if (name.empty()) return address.addr;
  std::string phrase;
  if (!isPrintableAscii(name)) {
    phrase = encodeHeaderText(name, first_column);
  } else {
    bool atoms = true;
    for (char c : name) atoms = atoms && (isAtext(c) || c == ' ');
    if (atoms) {
      phrase = name;
    } else {
      phrase = "\"";
      for (char c : name) {
        if (c == '"' || c == '\\') phrase += '\\';
        phrase += c;
      }
      phrase += '"';
    }
  }
  return phrase + " <" + address.addr + ">";
}

std::string_view domainOf(std::string_view addr) {
  const size_t at = addr.rfind('@');
  return at == std::string_view::npos ? std::string_view() : addr.substr(at + 1);
}

}  // namespace herald::email_mime
