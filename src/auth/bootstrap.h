// The root access key every fresh chimed needs before anyone can sign a request.
//
//   - CHIMED_ROOT_ACCESS_KEY_ID and CHIMED_ROOT_SECRET_ACCESS_KEY both set: that key is upserted
//     with the allow-everything policy on every start (the environment is its source of truth).
//   - neither set, and the store holds no access key at all: a key is generated and written once
//     to <data-dir>/root-credentials (mode 0600, AWS shared-credentials format, profile
//     [default]) so `AWS_SHARED_CREDENTIALS_FILE=<that file>` works as is. Only its path is
//     logged, never the secret.
//   - only one of the two set: an error, rather than guessing.
#pragma once

#include <optional>
#include <string>

#include "auth/access_keys.h"
#include "common/status.h"

namespace chime::auth {

inline constexpr char kRootCredentialsFile[] = "root-credentials";

struct RootKeySource {
  std::optional<std::string> access_key_id;      // CHIMED_ROOT_ACCESS_KEY_ID
  std::optional<std::string> secret_access_key;  // CHIMED_ROOT_SECRET_ACCESS_KEY
  std::string data_dir;
};

struct BootstrapResult {
  std::string root_access_key_id;  // empty when the store already had keys and none came from env
  std::optional<std::string> credentials_file;  // set when a key was generated just now
  bool from_environment = false;
};

// Makes sure the root key exists as described above. kInvalidArgument for a half-set or
// malformed environment key; kUnavailable for store or file errors.
StatusOr<BootstrapResult> BootstrapRootKey(AccessKeys& keys, const RootKeySource& source);

// The shared-credentials file text for a key.
std::string SharedCredentialsText(const IssuedKey& key);

}  // namespace chime::auth
