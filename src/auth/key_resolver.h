// Finds the key material and policy of an access key for each request the gate verifies.
//
// Every lookup reads the key's row (one indexed SQLite read), so a key created, disabled,
// deleted, rotated or re-scoped by `chimed keys` in another process takes effect on the next
// request without a restart or any notification. What costs more than the read is cached: the
// decrypted secret and the parsed policy, keyed by the exact sealed bytes and policy text of the
// row, so a changed row can never be served from a stale entry. Only keys that exist are
// cached, so the cache is bounded by the number of keys, whatever ids clients invent.
//
// FindCached serves a key from that cache without reading the row, for the one operation whose
// write checks the row in its own transaction (ResetPersonalPIN on PostgreSQL, security_gate.cc).
//
// last_used_ms is recorded without putting a write on a request's path: NoteUsed queues a
// fire-and-forget store write at most once per `last_used_interval_ms` per key.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/policy.h"
#include "auth/secret_box.h"
#include "auth/sigv4_verifier.h"
#include "common/clock.h"
#include "common/status.h"
#include "store/store.h"

namespace chime::auth {

struct ResolvedKey {
  KeyMaterial material;                  // secret material: never log
  std::shared_ptr<const Policy> policy;  // never null; a corrupt policy is the empty policy
};

// A key as Find last saw it, and the row it came from, for a write to check (store.h).
struct CachedKey {
  ResolvedKey key;
  store::AccessKeyCheck check;  // secret material (the sealed secret): never log
};

class KeyResolver {
 public:
  // Everything referenced must outlive the resolver (and its queued last-used writes).
  KeyResolver(store::Store& store, const SecretBox& box, const Clock& clock,
              int64_t last_used_interval_ms = 60000)
      : store_(store), box_(box), clock_(clock), last_used_interval_ms_(last_used_interval_ms) {}

  // The key's material and policy; nullopt when the key is unknown, disabled, or its secret
  // cannot be decrypted (wrong master key; logged by id). kUnavailable when the store cannot
  // read. Thread-safe.
  StatusOr<std::optional<ResolvedKey>> Find(std::string_view access_key_id);

  // The key as Find last returned it, without reading the store; nullopt when Find has not
  // found it enabled since it last found it gone or disabled. It may be stale: only a request
  // whose write checks `check` in its own transaction may be admitted with it. Thread-safe.
  std::optional<CachedKey> FindCached(std::string_view access_key_id) const;

  // Records that the key authenticated a request: queues a store write of last_used_ms when
  // none was queued for this key within the interval. Never blocks on the store. Thread-safe.
  // With `check` (a request admitted from FindCached), nothing is recorded unless the key's row
  // still passes it: a copy that outlived the key never marks it used.
  void NoteUsed(const std::string& access_key_id, const store::AccessKeyCheck* check = nullptr);

  // Cached decrypted keys (for tests).
  size_t cached_keys() const;

 private:
  struct Entry {
    std::string sealed;       // the row's encrypted_secret this entry was decrypted from
    std::string policy_json;  // the row's policy text
    ResolvedKey key;
  };

  store::Store& store_;
  const SecretBox& box_;
  const Clock& clock_;
  const int64_t last_used_interval_ms_;

  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;            // guarded by mu_
  std::unordered_map<std::string, int64_t> last_noted_ms_;  // guarded by mu_
};

}  // namespace chime::auth
