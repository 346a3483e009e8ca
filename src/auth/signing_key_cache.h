// A small bounded cache of derived SigV4 signing keys.
//
// Deriving a signing key costs four HMACs per request; the key only changes with the secret, the
// day, the region and the service, so the verifier keeps recent ones. Entries are keyed by the
// access key id, a SHA-256 of the secret (a rotated secret therefore never hits a stale entry),
// the date, the region and the service. When full, the oldest entry is evicted (FIFO), which
// bounds memory whatever access key ids a client invents.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace chime::auth {

class SigningKeyCache {
 public:
  explicit SigningKeyCache(size_t capacity = 1024);

  SigningKeyCache(const SigningKeyCache&) = delete;
  SigningKeyCache& operator=(const SigningKeyCache&) = delete;

  // Returns the raw 32-byte signing key, deriving and remembering it on a miss. Thread-safe.
  std::string Get(std::string_view access_key_id, std::string_view secret, std::string_view date,
                  std::string_view region, std::string_view service);

  size_t size() const;

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::string> keys_;  // guarded by mu_
  std::deque<std::string> order_;                      // insertion order, guarded by mu_
};

}  // namespace chime::auth
