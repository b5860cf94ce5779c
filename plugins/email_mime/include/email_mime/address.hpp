#pragma once
// Mailboxes (RFC 5322 3.4): parsing what a workflow writes, checking what a
// contact holds, and formatting both as header values.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace herald::email_mime {

// A mailbox: an optional display name (UTF-8) and an addr-spec.
struct Address {
  std::string name;
  std::string addr;
};

// True for a plain ASCII addr-spec local@domain (dot-atom local part, domain
// of letters, digits, hyphens and dots). Stricter than RFC 5322 on purpose:
// anything else is almost always a data error.
bool validAddrSpec(std::string_view addr);

// Parses "addr", "Name <addr>" or "\"Name, Inc.\" <addr>". On failure returns
// nullopt and sets `error` to what is wrong.
std::optional<Address> parseAddress(std::string_view text, std::string& error);

// The mailbox as a header value: addr alone, or a phrase (atoms, a quoted
// string, or RFC 2047 encoded-words when it is not ASCII) then <addr>.
// `first_column`: see encodeHeaderText.
std::string formatAddress(const Address& address, size_t first_column = 0);

// The part after the last '@' ("" when there is none).
std::string_view domainOf(std::string_view addr);

}  // namespace herald::email_mime
