#pragma once
// Contacts' addresses in log lines: masked so the line still says whose kind
// of address it was without giving it away.
//   maskEmail("jane.doe@example.com") == "j***@example.com"
//   maskPhone("+442079460123")        == "+44*******123"
// log::write() runs redactContacts() over every message, so an address that
// reaches a log line by any path is masked; call sites that name a contact's
// address on purpose mask it themselves, which reads the same.
#include <string>
#include <string_view>

namespace herald::redact {

// The first character of the local part, "***", "@" and the domain.
std::string maskEmail(std::string_view address);
// "+", the first two digits, a "*" per hidden digit, the last three digits
// (the separators of a formatted number are dropped). A number with fewer
// than 8 digits is all stars after the "+".
std::string maskPhone(std::string_view number);

// `text` with every email address and every international phone number
// ("+" then 8 to 15 digits, optionally grouped by spaces, dots, dashes or
// parentheses) masked as above. National numbers without "+" are not
// recognised in free text: Herald stores phones in E.164.
std::string redactContacts(std::string_view text);

}  // namespace herald::redact
