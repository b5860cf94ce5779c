#pragma once
// Decoders the tests check the encoders' output with.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <sstream>
#include <string>
#include <vector>

namespace herald::email_mime {

inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t crlf = text.find("\r\n"); crlf != std::string::npos;
       crlf = text.find("\r\n", start)) {
    out.push_back(text.substr(start, crlf - start));
    start = crlf + 2;
  }
  if (start < text.size()) out.push_back(text.substr(start));
  return out;
}

inline int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Quoted-printable decoder for checking round trips (hard breaks -> "\n").
inline std::string decodeQp(const std::string& qp) {
  std::string out;
  for (const std::string& line : lines(qp)) {
    bool soft = false;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] != '=') {
        out += line[i];
      } else if (i + 1 == line.size()) {
        soft = true;
      } else {
        out += static_cast<char>(hexValue(line[i + 1]) * 16 + hexValue(line[i + 2]));
        i += 2;
      }
    }
    if (!soft) out += '\n';
  }
  return out;
}

inline std::string decodeBase64(const std::string& text) {
  std::string out(text.size(), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  EXPECT_GE(n, 0) << text;
  out.resize(static_cast<size_t>(n < 0 ? 0 : n));
  size_t pad = 0;
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) ++pad;
  out.resize(out.size() - pad);
  return out;
}

// True when `s` is whole, valid UTF-8 (no sequence cut short).
inline bool validUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const auto lead = static_cast<unsigned char>(s[i]);
    const size_t n = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 ? 2 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

// Decodes a sequence of UTF-8 encoded-words ("Q" or "B") back to UTF-8,
// checking that each is at most 75 characters and decodes to whole
// characters on its own.
inline std::string decodeWords(const std::string& value) {
  std::string out;
  std::istringstream in(value);
  std::string word;
  while (in >> word) {
    EXPECT_TRUE(word.rfind("=?UTF-8?Q?", 0) == 0 || word.rfind("=?UTF-8?B?", 0) == 0) << word;
    EXPECT_EQ(word.substr(word.size() - 2), "?=") << word;
    EXPECT_LE(word.size(), 75u) << word;
    const std::string payload = word.substr(10, word.size() - 12);
    std::string decoded;
    if (word[8] == 'B') {
      decoded = decodeBase64(payload);
    } else {
      for (size_t i = 0; i < payload.size(); ++i) {
        if (payload[i] == '_') {
          decoded += ' ';
        } else if (payload[i] == '=') {
          decoded += static_cast<char>(hexValue(payload[i + 1]) * 16 + hexValue(payload[i + 2]));
          i += 2;
        } else {
          decoded += payload[i];
        }
      }
    }
    EXPECT_TRUE(validUtf8(decoded)) << word;
    out += decoded;
  }
  return out;
}

}  // namespace herald::email_mime
