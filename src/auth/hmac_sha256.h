// SHA-256 and HMAC-SHA256 (RFC 2104) over OpenSSL's EVP digest, for SigV4.
//
// SigV4 verification hashes and MACs on every request, so this avoids what OpenSSL 3 makes
// expensive: the digest is fetched once, each thread reuses one EVP_MD_CTX instead of
// allocating one per call, and an HmacSha256Key keeps the key's inner and outer pad blocks
// already hashed, so a MAC under a long-lived key (a cached signing key) costs two SHA-256
// blocks fewer.
//
//   HmacSha256Key key(signing_key);
//   std::string mac = key.Mac(string_to_sign);  // 32 raw bytes
#pragma once

#include <string>
#include <string_view>

typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace chime::auth {

// Raw 32-byte SHA-256 digest of `data`. Thread-safe.
std::string Sha256(std::string_view data);

// An HMAC-SHA256 key, prepared once. Secret material: the pad states derive from the key.
class HmacSha256Key {
 public:
  explicit HmacSha256Key(std::string_view key);
  ~HmacSha256Key();
  HmacSha256Key(const HmacSha256Key&) = delete;
  HmacSha256Key& operator=(const HmacSha256Key&) = delete;

  // Raw 32-byte HMAC-SHA256 of `data`. Thread-safe: the prepared states are only read.
  std::string Mac(std::string_view data) const;

 private:
  EVP_MD_CTX* inner_;  // SHA-256 state after the block K ^ ipad
  EVP_MD_CTX* outer_;  // SHA-256 state after the block K ^ opad
};

}  // namespace chime::auth
