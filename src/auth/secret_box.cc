#include "auth/secret_box.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <memory>

namespace chime::auth {
namespace {

constexpr unsigned char kVersion = 0x01;
constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* Bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

// OpenSSL refusing AES-256-GCM with valid sizes means a broken library: stop rather than store
// secrets unencrypted or unreadable.
void Check(int ok) {
  if (ok != 1) std::abort();
}

}  // namespace

StatusOr<SecretBox> SecretBox::Create(std::string_view key) {
  if (key.size() != kKeySize) {
    return InvalidArgument("The master key must be 32 bytes, got " + std::to_string(key.size()) +
                           ".");
  }
  return SecretBox(std::string(key));
}

SecretBox::~SecretBox() { OPENSSL_cleanse(key_.data(), key_.size()); }

std::string SecretBox::Seal(std::string_view plaintext, std::string_view aad,
                            RandomSource& random) const {
  std::string out(1 + kNonceSize + plaintext.size() + kTagSize, '\0');
  out[0] = static_cast<char>(kVersion);
  random.Fill(Bytes(out) + 1, kNonceSize);
  CtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) std::abort();
  Check(EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key_), Bytes(out) + 1));
  int len = 0;
  if (!aad.empty()) {
    Check(EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())));
  }
  unsigned char* cipher = Bytes(out) + 1 + kNonceSize;
  Check(EVP_EncryptUpdate(ctx.get(), cipher, &len, Bytes(plaintext),
                          static_cast<int>(plaintext.size())));
  int tail = 0;
  Check(EVP_EncryptFinal_ex(ctx.get(), cipher + len, &tail));
  Check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, cipher + plaintext.size()));
  return out;
}

StatusOr<std::string> SecretBox::Open(std::string_view sealed, std::string_view aad) const {
  const Status bad = InvalidArgument(
      "The encrypted secret cannot be decrypted: it was changed, or sealed under another master "
      "key.");
  if (sealed.size() < 1 + kNonceSize + kTagSize ||
      static_cast<unsigned char>(sealed[0]) != kVersion) {
    return bad;
  }
  const size_t text_size = sealed.size() - 1 - kNonceSize - kTagSize;
  std::string_view nonce = sealed.substr(1, kNonceSize);
  std::string_view cipher = sealed.substr(1 + kNonceSize, text_size);
  std::string tag(sealed.substr(1 + kNonceSize + text_size));
  CtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) std::abort();
  Check(EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key_), Bytes(nonce)));
  int len = 0;
  if (!aad.empty()) {
    Check(EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())));
  }
  std::string plain(text_size, '\0');
  Check(EVP_DecryptUpdate(ctx.get(), Bytes(plain), &len, Bytes(cipher),
                          static_cast<int>(cipher.size())));
  Check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, Bytes(tag)));
  int tail = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), Bytes(plain) + len, &tail) != 1) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return bad;
  }
  return plain;
}

}  // namespace chime::auth
