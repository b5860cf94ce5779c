#include "email_mime/dkim.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <map>

#include "email_mime/base64.hpp"
#include "email_mime/header.hpp"

namespace herald::email_mime {
namespace {

// RFC 6376 5.4.1's list, plus the RFC 8058 pair: what a recipient reads and
// a forwarder must not change.
const std::vector<std::string> kSignedHeaders = {"from",
                                                 "reply-to",
                                                 "to",
                                                 "cc",
                                                 "subject",
                                                 "date",
                                                 "message-id",
                                                 "mime-version",
                                                 "content-type",
                                                 "content-transfer-encoding",
                                                 "list-unsubscribe",
                                                 "list-unsubscribe-post"};

constexpr size_t kFoldAt = 72;  // characters of b= per line, after the tab

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  return out;
}

// The header block's fields, each with its continuation lines and CRLF, by
// lowercase name (the last of a name wins: RFC 6376 5.4.2 signs from the
// bottom up, and Herald writes each name once).
std::map<std::string, std::string_view> headerFields(std::string_view headers) {
  std::map<std::string, std::string_view> fields;
  size_t start = 0;
  while (start < headers.size()) {
    size_t end = start;
    do {  // a line that starts with a blank continues the field
      const size_t crlf = headers.find("\r\n", end);
      end = crlf == std::string_view::npos ? headers.size() : crlf + 2;
    } while (end < headers.size() && (headers[end] == ' ' || headers[end] == '\t'));
    const std::string_view field = headers.substr(start, end - start);
    const size_t colon = field.find(':');
    if (colon != std::string_view::npos) fields[lower(trimBlanks(field.substr(0, colon)))] = field;
    start = end;
  }
  return fields;
}

bool sha256(std::string_view data, unsigned char (&digest)[32]) {
  unsigned int n = 0;
  return EVP_Digest(data.data(), data.size(), digest, &n, EVP_sha256(), nullptr) == 1 && n == 32;
}

bool validSelectorOrDomain(std::string_view s) {
  if (s.empty() || s.size() > 253 || s.front() == '.' || s.back() == '.') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '-' ||
           c == '.' || c == '_';
  });
}

}  // namespace

struct DkimSigner::Key {
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

DkimSigner::DkimSigner(std::string domain, std::string selector, std::unique_ptr<Key> key,
                       std::string algorithm)
    : domain_(std::move(domain)),
      selector_(std::move(selector)),
      key_(std::move(key)),
      algorithm_(std::move(algorithm)) {}

DkimSigner::~DkimSigner() = default;

std::shared_ptr<const DkimSigner> DkimSigner::fromPem(std::string domain, std::string selector,
                                                      std::string_view pem, std::string& error) {
  if (!validSelectorOrDomain(domain)) {
    error = "DKIM domain '" + domain + "' is not a domain name";
    return nullptr;
  }
  if (!validSelectorOrDomain(selector)) {
    error = "DKIM selector '" + selector + "' is not a selector (letters, digits, '-', '.')";
    return nullptr;
  }
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  auto key = std::make_unique<Key>();
  key->pkey = bio ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  if (key->pkey == nullptr) {
    error =
        "the DKIM key is not a PEM private key (make one with `openssl genpkey -algorithm "
        "ed25519` or `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`)";
    return nullptr;
  }
  std::string algorithm;
  switch (EVP_PKEY_get_base_id(key->pkey)) {
    case EVP_PKEY_RSA:
      if (EVP_PKEY_get_bits(key->pkey) < 1024) {
        error = "the DKIM RSA key has " + std::to_string(EVP_PKEY_get_bits(key->pkey)) +
                " bits; receivers ignore keys under 1024 bits (RFC 8301): use 2048";
        return nullptr;
      }
      algorithm = "rsa-sha256";
      break;
    case EVP_PKEY_ED25519:
      algorithm = "ed25519-sha256";
      break;
    default:
      error = "the DKIM key must be RSA or Ed25519";
      return nullptr;
  }
  return std::shared_ptr<const DkimSigner>(
      new DkimSigner(std::move(domain), std::move(selector), std::move(key), algorithm));
}

const std::vector<std::string>& DkimSigner::signedHeaderNames() { return kSignedHeaders; }

std::string DkimSigner::signatureField(std::string_view message, int64_t unix_seconds,
                                       std::string& error) const {
  size_t split = message.find("\r\n\r\n");
  const std::string_view headers =
      split == std::string_view::npos ? message : message.substr(0, split + 2);
  const std::string_view body =
      split == std::string_view::npos ? std::string_view() : message.substr(split + 4);

  unsigned char body_hash[32];
  if (!sha256(relaxedBody(body), body_hash)) {
    error = "DKIM: SHA-256 failed";
    return "";
  }
  const auto fields = headerFields(headers);
  std::string signed_data;
  std::string h;
  for (const std::string& name : kSignedHeaders) {
    const auto it = fields.find(name);
    if (it == fields.end()) continue;
    signed_data += relaxedHeader(it->second);
    h += (h.empty() ? "" : ":") + name;
  }
  // Folded so that no line passes 78 characters; relaxed canonicalization
  // makes each fold one space, on both sides.
  std::string field = "DKIM-Signature: v=1; a=" + algorithm_ + "; c=relaxed/relaxed; d=" + domain_ +
                      ";\r\n\ts=" + selector_ + "; t=" + std::to_string(unix_seconds) + ";\r\n\th=";
  size_t column = 3;
  for (size_t start = 0; start < h.size();) {
    size_t end = h.find(':', start);
    end = end == std::string::npos ? h.size() : end + 1;
    if (column + (end - start) > kFoldAt) {
      field += "\r\n\t";
      column = 0;
    }
    field.append(h, start, end - start);
    column += end - start;
    start = end;
  }
  field += ";\r\n\tbh=" +
           base64(std::string_view(reinterpret_cast<const char*>(body_hash), sizeof body_hash)) +
           ";\r\n\tb=";
  // The field itself is signed with an empty b= and without its CRLF.
  std::string canonical_field = relaxedHeader(field);
  canonical_field.resize(canonical_field.size() - 2);
  signed_data += canonical_field;

  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::string signature;
  bool ok = ctx != nullptr;
  size_t length = 0;
  if (ok && algorithm_ == "rsa-sha256") {
    ok = EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_->pkey) == 1 &&
         EVP_DigestSign(ctx, nullptr, &length,
                        reinterpret_cast<const unsigned char*>(signed_data.data()),
                        signed_data.size()) == 1;
    signature.resize(length);
    ok = ok && EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length,
                              reinterpret_cast<const unsigned char*>(signed_data.data()),
                              signed_data.size()) == 1;
  } else if (ok) {
    // RFC 8463 3: Ed25519 (pure) over the SHA-256 of the canonical data.
    unsigned char digest[32];
    ok = sha256(signed_data, digest) &&
         EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key_->pkey) == 1;
    length = 64;
    signature.resize(length);
    ok = ok && EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length,
                              digest, sizeof digest) == 1;
  }
  EVP_MD_CTX_free(ctx);
  if (!ok) {
    error = "DKIM: signing with the " + algorithm_ + " key failed";
    return "";
  }
  signature.resize(length);
  const std::string b = base64(signature);
  for (size_t i = 0; i < b.size(); i += kFoldAt) {
    if (i > 0) field += "\r\n\t";
    field.append(b, i, kFoldAt);
  }
  field += "\r\n";
  return field;
}

std::string DkimSigner::sign(std::string_view message, int64_t unix_seconds,
                             std::string& error) const {
  std::string field = signatureField(message, unix_seconds, error);
  if (field.empty()) return "";
  field.append(message);
  return field;
}

std::string DkimSigner::dnsRecord() const {
  std::string p;
  if (algorithm_ == "ed25519-sha256") {
    unsigned char raw[32];
    size_t n = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(key_->pkey, raw, &n) == 1)
      p = base64(std::string_view(reinterpret_cast<const char*>(raw), n));
    return "v=DKIM1; k=ed25519; p=" + p;
  }
  unsigned char* der = nullptr;
  const int n = i2d_PUBKEY(key_->pkey, &der);
  if (n > 0) p = base64(std::string_view(reinterpret_cast<const char*>(der), n));
  OPENSSL_free(der);
  return "v=DKIM1; k=rsa; p=" + p;
}

}  // namespace herald::email_mime
