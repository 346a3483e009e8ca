// Authenticated encryption of small secrets (access-key secrets) at rest: AES-256-GCM with a
// 32-byte key-encryption key that lives outside the database (see master_key.h).
//
// Example:
//   ASSIGN_OR_RETURN(SecretBox box, SecretBox::Create(master_key));
//   std::string sealed = box.Seal(secret, /*aad=*/access_key_id, random);
//   ASSIGN_OR_RETURN(std::string secret, box.Open(sealed, access_key_id));
//
// Sealed format: version byte 0x01 || 12-byte random nonce || ciphertext || 16-byte tag.
// The associated data binds a ciphertext to its row (the access key id), so copying one key's
// encrypted secret onto another key's row makes Open fail instead of granting that secret.
#pragma once

#include <string>
#include <string_view>

#include "common/random.h"
#include "common/status.h"

namespace chime::auth {

class SecretBox {
 public:
  static constexpr size_t kKeySize = 32;

  // kInvalidArgument unless `key` is exactly 32 bytes.
  static StatusOr<SecretBox> Create(std::string_view key);

  SecretBox(const SecretBox&) = default;
  SecretBox& operator=(const SecretBox&) = default;
  ~SecretBox();

  // Encrypts `plaintext` with a fresh random nonce. Aborts only if OpenSSL cannot run AES-GCM at
  // all (a broken build, not an input). Thread-safe.
  std::string Seal(std::string_view plaintext, std::string_view aad, RandomSource& random) const;

  // Decrypts and authenticates. kInvalidArgument when `sealed` is malformed, was made under
  // another key or aad, or any byte was changed; the message never contains key material.
  // Thread-safe.
  StatusOr<std::string> Open(std::string_view sealed, std::string_view aad) const;

 private:
  explicit SecretBox(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

}  // namespace chime::auth
