// Access keys as chimed keeps them: generated credentials, and the management operations the
// `chimed keys` admin commands and the root-key bootstrap use. Secrets are sealed with the
// SecretBox (AES-256-GCM under the master key, the access key id as associated data) before
// they reach the store, and are returned in clear only by Create and Rotate, to be shown once.
#pragma once

#include <string>
#include <vector>

#include "auth/secret_box.h"
#include "common/clock.h"
#include "common/random.h"
#include "common/status.h"
#include "store/store.h"

namespace chime::auth {

// "AKIA" followed by 16 characters of A-Z2-7: the shape AWS tools expect of an access key id.
std::string NewAccessKeyId(RandomSource& random);
// 40 characters of A-Za-z0-9+/ (30 random bytes, base64): the shape of an AWS secret key.
std::string NewSecretAccessKey(RandomSource& random);
// kInvalidArgument unless `id` is 16..128 characters of A-Z a-z 0-9 _ (AWS's rule).
Status ValidateAccessKeyId(std::string_view id);

// Clear credentials for the one moment they are shown. Secret material: never log it.
struct IssuedKey {
  std::string access_key_id;
  std::string secret_access_key;
  std::optional<std::string> session_token;
};

class AccessKeys {
 public:
  // Everything referenced must outlive this object. Thread-safe (state lives in the store).
  AccessKeys(store::Store& store, const SecretBox& box, const Clock& clock, RandomSource& random)
      : store_(store), box_(box), clock_(clock), random_(random) {}

  // Creates an enabled key with a fresh id and secret. `policy_json` must parse (policy.h).
  // With `with_session_token`, the key also requires a fresh random session token (as temporary
  // AWS credentials do); only its SHA-256 is stored. Errors: kInvalidArgument (policy, name),
  // kUnavailable (store).
  StatusOr<IssuedKey> Create(const std::string& name, const std::string& policy_json,
                             bool with_session_token = false);

  // Inserts or replaces the key `access_key_id` with `secret` (used for a root key given in the
  // environment): enabled, name and policy set, created time kept when it existed. Writes
  // nothing when the stored key already has exactly this secret, name, policy and state.
  Status Upsert(const std::string& access_key_id, const std::string& secret,
                const std::string& name, const std::string& policy_json);

  // Replaces the key's secret (and session token, when it has one); the old secret stops working
  // at once. kNotFound for an unknown id.
  StatusOr<IssuedKey> Rotate(const std::string& access_key_id);

  Status SetEnabled(const std::string& access_key_id, bool enabled);
  Status SetPolicy(const std::string& access_key_id, const std::string& policy_json);
  Status Delete(const std::string& access_key_id);
  StatusOr<std::vector<store::AccessKeyRecord>> List();
  StatusOr<store::AccessKeyRecord> Get(const std::string& access_key_id);

 private:
  // Reads the key, lets `change` edit it, and writes it back, all in one write transaction.
  Status Modify(const std::string& access_key_id,
                std::function<Status(store::AccessKeyRecord&)> change);

  store::Store& store_;
  const SecretBox& box_;
  const Clock& clock_;
  RandomSource& random_;
};

}  // namespace chime::auth
