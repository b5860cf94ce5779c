#pragma once
// The suppression list keeps no address, only a keyed hash of it:
// hex HMAC-SHA256(salt, canonical address), with a salt made once per
// database (meta 'suppression_salt'). Someone who reads the table cannot
// reverse a hash without the salt, and hashes from two databases cannot be
// matched against each other.
//
// The address is brought to one canonical form first, so that
// " Ann@Example.COM " and "ann@example.com", or "+33 6 12 34 56 78" and
// "0033612345678", hash the same.
#include <optional>
#include <string>
#include <string_view>

namespace herald::store {

// "email" or "phone": the kinds of address the list holds.
bool isSuppressionKind(std::string_view kind);

// Emails: trimmed and lower-cased. Phones: E.164, "+" and the digits, with
// spaces, dots, dashes, slashes and parentheses dropped and a leading "00"
// read as "+". nullopt when the text is no such address (an email without
// text on both sides of one '@'; a phone that is not 8 to 15 digits after
// "+" or "00").
std::optional<std::string> canonicalAddress(std::string_view kind, std::string_view address);

// hex HMAC-SHA256(salt, kind ":" canonical address). `address` must already
// be canonical (canonicalAddress); the kind keeps an email and a phone that
// happen to be the same text apart.
std::string suppressionHash(std::string_view salt, std::string_view kind,
                            std::string_view canonical_address);

}  // namespace herald::store
