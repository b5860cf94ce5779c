#include "email_mime/base64.hpp"

#include <openssl/evp.h>

namespace herald::email_mime {

std::string base64(std::string_view data) {
  std::string out(base64Length(data.size()) + 1, '\0');  // EVP_EncodeBlock writes a NUL
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()),
                                static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string base64Lines(std::string_view data) {
  constexpr size_t kLineBytes = 57;  // 76 characters
  std::string out;
  out.reserve(base64Length(data.size()) + data.size() / kLineBytes * 2 + 2);
  for (size_t i = 0; i < data.size(); i += kLineBytes) {
    out += base64(data.substr(i, kLineBytes));
    out += "\r\n";
  }
  return out;
}

}  // namespace herald::email_mime
