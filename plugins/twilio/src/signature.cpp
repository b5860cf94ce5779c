#include "signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

#include "encoding.hpp"

namespace herald::twilio {

std::string twilioSignature(std::string_view auth_token, std::string_view url,
                            const FormFields& params) {
  FormFields sorted = params;
  std::sort(sorted.begin(), sorted.end());
  std::string data(url);
  for (const auto& [name, value] : sorted) {
    data += name;
    data += value;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha1(), auth_token.data(), static_cast<int>(auth_token.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
           &mac_len) == nullptr)
    return {};
  return provider::base64Encode(std::string_view(reinterpret_cast<const char*>(mac), mac_len));
}

bool twilioSignatureMatches(std::string_view auth_token, std::string_view url,
                            const FormFields& params, std::string_view header) {
  const std::string expected = twilioSignature(auth_token, url, params);
  // Constant time: a forger must not learn how much of a guess matched.
  return !expected.empty() && header.size() == expected.size() &&
         CRYPTO_memcmp(header.data(), expected.data(), expected.size()) == 0;
}

}  // namespace herald::twilio
