#include "net/smtp_auth.hpp"

#include <openssl/evp.h>

namespace herald::net {

std::string credentialsRefusal(const SmtpServer& server, bool tls_active, bool peer_is_loopback) {
  if (tls_active || peer_is_loopback) return {};
  return "refusing to send the password of user '" + server.username + "' to " + server.host + ":" +
         std::to_string(server.port) +
         " over an unencrypted connection (tls: none); use tls: starttls or implicit (AUTH "
         "without TLS is allowed only to a loopback host)";
}

std::string authPlainCommand(const SmtpServer& server) {
  return "AUTH PLAIN " + base64(std::string(1, '\0') + server.username + '\0' + server.password);
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace herald::net
