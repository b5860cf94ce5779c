#pragma once
// AUTH (RFC 4954) pieces: when credentials may be sent, and the encodings
// of AUTH PLAIN (RFC 4616) and AUTH LOGIN.
#include <string>
#include <string_view>

#include "net/smtp_client.hpp"

namespace herald::net {

// "" when `server`'s password may be sent on this connection: over TLS, or
// in plaintext only to a loopback peer (a local relay). Otherwise the
// error to report (it names the user, never the password).
std::string credentialsRefusal(const SmtpServer& server, bool tls_active, bool peer_is_loopback);

// "AUTH PLAIN <base64(\0user\0password)>".
std::string authPlainCommand(const SmtpServer& server);

// Standard base64 with padding (RFC 4648 §4), as AUTH LOGIN's lines are.
std::string base64(std::string_view bytes);

}  // namespace herald::net
