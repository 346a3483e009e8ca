#include "auth/hmac_sha256.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

namespace chime::auth {
namespace {

// Without SHA-256 no request can be authenticated; continuing would only hide the fault.
[[noreturn]] void DigestFailed() { std::abort(); }

// Fetched once: EVP_MD_fetch is comparatively expensive and the handle is immutable and
// thread-safe once fetched. Intentionally never freed (lives as long as the process).
const EVP_MD* Sha256Md() {
  static const EVP_MD* md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (fetched == nullptr) DigestFailed();
    return fetched;
  }();
  return md;
}

// This thread's scratch context: a context per call would be a malloc/free pair (and
// OpenSSL's bookkeeping) on every hash. Freed when the thread exits.
EVP_MD_CTX* ThreadCtx() {
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                           EVP_MD_CTX_free);
  if (ctx == nullptr) DigestFailed();
  return ctx.get();
}

void Check(int ok) {
  if (ok != 1) DigestFailed();
}

// Finishes `ctx` into a 32-byte string.
std::string Final(EVP_MD_CTX* ctx) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  Check(EVP_DigestFinal_ex(ctx, out, &len));
  return std::string(reinterpret_cast<const char*>(out), len);
}

}  // namespace

std::string Sha256(std::string_view data) {
  EVP_MD_CTX* ctx = ThreadCtx();
  Check(EVP_DigestInit_ex(ctx, Sha256Md(), nullptr));
  Check(EVP_DigestUpdate(ctx, data.data(), data.size()));
  return Final(ctx);
}

HmacSha256Key::HmacSha256Key(std::string_view key)
    : inner_(EVP_MD_CTX_new()), outer_(EVP_MD_CTX_new()) {
  if (inner_ == nullptr || outer_ == nullptr) DigestFailed();
  constexpr size_t kBlock = 64;
  unsigned char pad[kBlock] = {};
  if (key.size() > kBlock) {
    std::string hashed = Sha256(key);
    std::copy(hashed.begin(), hashed.end(), pad);
    OPENSSL_cleanse(hashed.data(), hashed.size());
  } else {
    std::copy(key.begin(), key.end(), pad);
  }
  for (unsigned char& b : pad) b ^= 0x36;  // K ^ ipad
  Check(EVP_DigestInit_ex(inner_, Sha256Md(), nullptr));
  Check(EVP_DigestUpdate(inner_, pad, kBlock));
  for (unsigned char& b : pad) b ^= 0x36 ^ 0x5c;  // K ^ opad
  Check(EVP_DigestInit_ex(outer_, Sha256Md(), nullptr));
  Check(EVP_DigestUpdate(outer_, pad, kBlock));
  OPENSSL_cleanse(pad, sizeof pad);
}

// EVP_MD_CTX_free wipes the digest state (OpenSSL clears freed provider contexts).
HmacSha256Key::~HmacSha256Key() {
  EVP_MD_CTX_free(inner_);
  EVP_MD_CTX_free(outer_);
}

std::string HmacSha256Key::Mac(std::string_view data) const {
  EVP_MD_CTX* ctx = ThreadCtx();
  Check(EVP_MD_CTX_copy_ex(ctx, inner_));
  Check(EVP_DigestUpdate(ctx, data.data(), data.size()));
  unsigned char inner[EVP_MAX_MD_SIZE];
  unsigned int inner_len = 0;
  Check(EVP_DigestFinal_ex(ctx, inner, &inner_len));
  Check(EVP_MD_CTX_copy_ex(ctx, outer_));
  Check(EVP_DigestUpdate(ctx, inner, inner_len));
  return Final(ctx);
}

}  // namespace chime::auth
