#pragma once
// Header fields (RFC 5322 2.2, RFC 2047): values safe from injection,
// non-ASCII text as UTF-8 encoded-words, lines folded where they may be.
#include <cstddef>
#include <string>
#include <string_view>

namespace herald::email_mime {

// Replaces control characters (CR, LF, TAB...) by spaces and trims: header
// values built from contact data must never inject a header line.
std::string sanitizeHeaderText(std::string_view text);

// An unstructured header value (Subject) or a display name: unchanged when
// printable ASCII, else RFC 2047 encoded-words in UTF-8, each at most 75
// characters and never splitting a character, separated by spaces where
// headerLine() may fold. "Q" words for mostly-Latin text, "B" (base64) words
// when Q would be half as long again (Korean, Japanese: Q triples every byte). Q words
// use only the characters RFC 2047 5(3) allows in a phrase, so the result is
// valid in names too. Every line holding encoded-words stays within 76
// characters (RFC 2047 2): the first word is shortened by `first_column`, the
// length of "Name: " before it.
std::string encodeHeaderText(std::string_view utf8, size_t first_column = 0);

// "Name: value" folded at spaces so that lines stay within 78 characters
// where possible (a value without spaces is never broken), CRLF-terminated.
std::string headerLine(std::string_view name, std::string_view value);

// True for a field name RFC 5322 3.6.8 allows: printable ASCII, no ':' or
// space, not empty.
bool validHeaderName(std::string_view name);

// `s` without leading and trailing spaces and tabs.
std::string_view trimBlanks(std::string_view s);

// ASCII case-insensitive equality (header names).
bool equalsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace herald::email_mime
