// A small bounded cache of derived SigV4 signing keys.
//
// Deriving a signing key costs four HMACs per request; the key only changes with the secret, the
// day, the region and the service, so the verifier keeps recent ones, prepared for HMAC (see
// HmacSha256Key). Entries are keyed by the access key id, the date, the region and the service,
// and remember the secret they were derived from: a lookup with another secret (a rotated key)
// derives afresh and replaces the entry, so a stale key is never served. Comparing the secret
// costs less than hashing it into the cache key on every request, as an earlier version did.
// When full, the oldest entry is evicted (FIFO), which bounds memory whatever access key ids a
// client invents.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/hmac_sha256.h"

namespace chime::auth {

class SigningKeyCache {
 public:
  explicit SigningKeyCache(size_t capacity = 1024);
  ~SigningKeyCache();

  SigningKeyCache(const SigningKeyCache&) = delete;
  SigningKeyCache& operator=(const SigningKeyCache&) = delete;

  // The signing key for these parameters, deriving and remembering it on a miss. Never null.
  // Thread-safe; the key stays valid for as long as the caller holds it.
  std::shared_ptr<const HmacSha256Key> Get(std::string_view access_key_id,
                                           std::string_view secret, std::string_view date,
                                           std::string_view region, std::string_view service);

  size_t size() const;

 private:
  struct Entry {
    std::string secret;  // what `key` was derived from; secret material, wiped when dropped
    std::shared_ptr<const HmacSha256Key> key;
  };
  static void Wipe(Entry& entry);

  const size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> keys_;  // guarded by mu_
  std::deque<std::string> order_;                // insertion order, guarded by mu_
};

}  // namespace chime::auth
