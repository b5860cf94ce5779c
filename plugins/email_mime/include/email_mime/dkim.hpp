#pragma once
// DKIM signing (RFC 6376) with relaxed/relaxed canonicalization, rsa-sha256
// or ed25519-sha256 (RFC 8463), on OpenSSL's libcrypto.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace herald::email_mime {

// RFC 6376 3.4.4: trailing blanks of each line removed, runs of blanks made
// one space, empty lines at the end removed, a final CRLF unless empty.
// `body` has CRLF line ends.
std::string relaxedBody(std::string_view body);

// RFC 6376 3.4.2: one header field (name, ':', value, folded lines included)
// as "lowercase-name:value\r\n" with the value unfolded, blank runs made one
// space and trimmed.
std::string relaxedHeader(std::string_view field);

// Signs messages for one signing domain and selector with one private key;
// the algorithm follows from the key. Immutable once made: sign() may be
// called from several threads at once.
class DkimSigner {
 public:
  // `pem`: a PEM private key, RSA of at least 1024 bits (RFC 8301) or
  // Ed25519. nullptr with `error` set when the key or names are unusable.
  static std::shared_ptr<const DkimSigner> fromPem(std::string domain, std::string selector,
                                                   std::string_view pem, std::string& error);
  ~DkimSigner();
  DkimSigner(const DkimSigner&) = delete;
  DkimSigner& operator=(const DkimSigner&) = delete;

  // "rsa-sha256" or "ed25519-sha256".
  const std::string& algorithm() const { return algorithm_; }

  // The header fields h= names, in order: those of kSignedHeaders the
  // message has. Both List-Unsubscribe fields are among them, so nobody on
  // the way can change or add the unsubscribe URL unnoticed.
  static const std::vector<std::string>& signedHeaderNames();

  // The DKIM-Signature field, CRLF-terminated and folded (no line over 78
  // characters), for `message` (CRLF line ends, headers, blank line, body),
  // with t= `unix_seconds`. "" with `error` set when signing failed.
  std::string signatureField(std::string_view message, int64_t unix_seconds,
                             std::string& error) const;

  // `message` with signatureField() in front; "" with `error` on failure.
  std::string sign(std::string_view message, int64_t unix_seconds, std::string& error) const;

  // The TXT record to publish at <selector>._domainkey.<domain>:
  // "v=DKIM1; k=rsa; p=<base64 SubjectPublicKeyInfo>" or
  // "v=DKIM1; k=ed25519; p=<base64 of the 32-byte public key>".
  std::string dnsRecord() const;

 private:
  struct Key;
  DkimSigner(std::string domain, std::string selector, std::unique_ptr<Key> key,
             std::string algorithm);
  std::string domain_;
  std::string selector_;
  std::unique_ptr<Key> key_;
  std::string algorithm_;
};

}  // namespace herald::email_mime
