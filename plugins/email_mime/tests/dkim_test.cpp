#include "email_mime/dkim.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

#include "email_mime/message.hpp"
#include "mime_test_util.hpp"

namespace herald::email_mime {
namespace {

// A fresh private key as PEM: "ED25519" or "RSA" (2048 bits, or `bits`).
std::string newKeyPem(const char* type, size_t bits = 2048) {
  EVP_PKEY* key = std::string_view(type) == "RSA" ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits)
                                                  : EVP_PKEY_Q_keygen(nullptr, nullptr, type);
  EXPECT_NE(key, nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(n));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

// The value of tag `name` in a DKIM-Signature field, unfolded.
std::string tag(const std::string& field, const std::string& name) {
  std::string flat;
  for (char c : field.substr(field.find(':') + 1)) {
    if (c != '\r' && c != '\n' && c != '\t' && c != ' ') flat += c;
  }
  const size_t at = flat.find(";" + name + "=") != std::string::npos
                        ? flat.find(";" + name + "=") + 1
                        : (flat.rfind(name + "=", 0) == 0 ? 0 : std::string::npos);
  if (at == std::string::npos) return "";
  const size_t start = at + name.size() + 1;
  const size_t end = flat.find(';', start);
  return flat.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

EmailMessage sample() {
  EmailMessage m;
  m.from = {"ヘラルド通信", "news@acme.example"};
  m.to = {"김민준", "minjun@example.kr"};
  m.subject = "가을 신상품 안내";
  m.text = "안녕하세요  \r\n\r\n";
  m.html = "<p>안녕하세요</p>";
  m.date_ms = 1700000000000;
  m.key = "autumn/rev/send/7/0";
  m.list_unsubscribe = "https://links.example/u/tok";
  return m;
}

TEST(DkimCanon, RelaxedMatchesRfc6376Example) {
  // RFC 6376 3.4.5.
  EXPECT_EQ(relaxedHeader("A: X\r\n"), "a:X\r\n");
  EXPECT_EQ(relaxedHeader("B : Y\t\r\n\tZ  \r\n"), "b:Y Z\r\n");
  EXPECT_EQ(relaxedBody(" C \r\nD \t E\r\n\r\n\r\n"), " C\r\nD E\r\n");
  EXPECT_EQ(relaxedBody(""), "");
  EXPECT_EQ(relaxedBody("\r\n\r\n"), "");
  EXPECT_EQ(relaxedBody("no final break"), "no final break\r\n");
}

TEST(DkimSigner, RefusesUnusableKeysAndNamesWithReasons) {
  std::string error;
  EXPECT_EQ(DkimSigner::fromPem("acme.example", "s1", "not a key", error), nullptr);
  EXPECT_EQ(error,
            "the DKIM key is not a PEM private key (make one with `openssl genpkey -algorithm "
            "ed25519` or `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`)");
  EXPECT_EQ(DkimSigner::fromPem("acme.example", "s1", newKeyPem("RSA", 512), error), nullptr);
  EXPECT_EQ(error,
            "the DKIM RSA key has 512 bits; receivers ignore keys under 1024 bits (RFC 8301): "
            "use 2048");
  EXPECT_EQ(DkimSigner::fromPem("acme example", "s1", newKeyPem("ED25519"), error), nullptr);
  EXPECT_EQ(error, "DKIM domain 'acme example' is not a domain name");
  EXPECT_EQ(DkimSigner::fromPem("acme.example", "s;1", newKeyPem("ED25519"), error), nullptr);
  EXPECT_EQ(error, "DKIM selector 's;1' is not a selector (letters, digits, '-', '.')");
}

class DkimSign : public ::testing::TestWithParam<const char*> {};

// Signs, then checks the signature with the public key over data rebuilt
// from the received field the way a verifier does (b= emptied).
TEST_P(DkimSign, SignsListUnsubscribeAndVerifiesWithThePublicKey) {
  const std::string pem = newKeyPem(GetParam());
  std::string error;
  const auto signer = DkimSigner::fromPem("acme.example", "herald2026", pem, error);
  ASSERT_NE(signer, nullptr) << error;
  const std::string message = composeEmail(sample());
  const std::string signed_message = signer->sign(message, 1700000000, error);
  ASSERT_FALSE(signed_message.empty()) << error;
  const std::string field = signed_message.substr(0, signed_message.size() - message.size());
  for (const std::string& line : lines(field)) EXPECT_LE(line.size(), 78u) << line;
  EXPECT_EQ(tag(field, "a"), signer->algorithm());
  EXPECT_EQ(tag(field, "c"), "relaxed/relaxed");
  EXPECT_EQ(tag(field, "d"), "acme.example");
  EXPECT_EQ(tag(field, "s"), "herald2026");
  EXPECT_EQ(tag(field, "h"),
            "from:to:subject:date:message-id:mime-version:content-type:list-unsubscribe:"
            "list-unsubscribe-post");
  EXPECT_EQ(signer->dnsRecord().rfind(std::string("v=DKIM1; k=") +
                                          (signer->algorithm() == "rsa-sha256" ? "rsa" : "ed25519"),
                                      0),
            0u);

  // Rebuild what was signed: the h= fields, relaxed, then the field with b= empty.
  std::string data;
  const std::string headers = message.substr(0, message.find("\r\n\r\n") + 2);
  std::string h = tag(field, "h") + ":";
  for (size_t start = 0; start < h.size();) {
    const size_t end = h.find(':', start);
    const std::string name = h.substr(start, end - start);
    start = end + 1;
    for (size_t at = 0; at < headers.size();) {
      size_t stop = headers.find("\r\n", at) + 2;
      while (stop < headers.size() && (headers[stop] == ' ' || headers[stop] == '\t'))
        stop = headers.find("\r\n", stop) + 2;
      const std::string one = headers.substr(at, stop - at);
      if (relaxedHeader(one).rfind(name + ":", 0) == 0) data += relaxedHeader(one);
      at = stop;
    }
  }
  std::string unsigned_field = field.substr(0, field.find("b=", field.find("bh=") + 3) + 2);
  std::string canonical = relaxedHeader(unsigned_field + "\r\n");
  data += canonical.substr(0, canonical.size() - 2);

  const std::string signature = decodeBase64(tag(field, "b"));
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  int ok = 0;
  if (signer->algorithm() == "rsa-sha256") {
    ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
         EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                          data.size()) == 1;
  } else {
    unsigned char digest[32];
    unsigned int n = 0;
    EVP_Digest(data.data(), data.size(), digest, &n, EVP_sha256(), nullptr);
    ok = EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key) == 1 &&
         EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), digest, sizeof digest) == 1;
  }
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  EXPECT_TRUE(ok) << field;
}

INSTANTIATE_TEST_SUITE_P(Algorithms, DkimSign, ::testing::Values("RSA", "ED25519"));

TEST(DkimSigner, BodyHashIsOfTheRelaxedBody) {
  std::string error;
  const auto signer = DkimSigner::fromPem("acme.example", "s1", newKeyPem("ED25519"), error);
  ASSERT_NE(signer, nullptr);
  const std::string a = signer->signatureField("A: 1\r\n\r\nhello  world \r\n\r\n", 1, error);
  const std::string b = signer->signatureField("A: 1\r\n\r\nhello world\r\n", 1, error);
  EXPECT_EQ(tag(a, "bh"), tag(b, "bh"));
  // sha256("hello world\r\n")
  EXPECT_EQ(tag(a, "bh"), "VyqV/unA8yADB4nkiDcHr/4SSC+7HqBLPqgmfIeokPs=");
}

}  // namespace
}  // namespace herald::email_mime
