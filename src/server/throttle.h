// Throttling: token buckets that decide, before anything is read or written, whether a request
// may run. Three kinds, all checked for each request:
//   - per access key (the Caller's principal): every operation takes a token;
//   - per access key and operation, where configured (e.g. a tighter ResetPersonalPIN rate);
//   - per user for ResetPersonalPIN, whoever calls: nobody can cycle a user's PIN through the
//     PIN space (every issued PIN is retired forever, so cycling would also exhaust it).
// A refused request gets kResourceExhausted with the time until a token is back, which the
// error mapping sends as Retry-After (s) and x-amz-retry-after (ms).
//
//   ThrottleOptions o;  o.per_key = {10, 5};       // burst 10, then 5 per second
//   Throttler throttler(o, SystemClock::Get());
//   Status s = throttler.Check(caller, op, route);  // OK or kResourceExhausted
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/api.h"
#include "common/clock.h"

namespace chime::server {

// A token bucket's shape: up to `burst` requests at once, refilled at `per_second`.
// Disabled (never refuses) when either is <= 0.
struct RateLimit {
  double burst = 0;
  double per_second = 0;
  bool enabled() const { return burst > 0 && per_second > 0; }
};

// Parses "BURST:PER_SECOND" ("10:5", "5:0.01"); nullopt when malformed or negative.
std::optional<RateLimit> ParseRateLimit(std::string_view text);

struct ThrottleOptions {
  RateLimit per_key{1000, 500};
  // Per access key and operation, indexed by api::Op; unset entries add no limit.
  std::array<std::optional<RateLimit>, static_cast<size_t>(api::Op::kCount)> per_key_op{};
  // ResetPersonalPIN per (account, user), across all callers.
  RateLimit pin_reset_per_user{250, 0.1};
  // Buckets kept at most (each about 100 bytes). Beyond it, buckets that are full (and so
  // carry no state) are dropped first, then arbitrary ones.
  size_t max_buckets = 200000;
};

// Token buckets by key, sharded so concurrent requests rarely contend. Thread-safe.
class TokenBuckets {
 public:
  explicit TokenBuckets(size_t max_buckets);

  // Takes one token from `key`'s bucket (created full). On refusal returns false and sets
  // *retry_after_ms to the time until one token is back (>= 1). Allocates only for a new key.
  bool Take(std::string_view key, const RateLimit& limit, int64_t now_ns, int* retry_after_ms);
  // Gives back a token taken by Take (when a later check refused the request).
  void Refund(std::string_view key, const RateLimit& limit);
  size_t size() const;

 private:
  struct Bucket {
    double tokens;
    int64_t last_ns;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Bucket, Hash, std::equal_to<>> buckets;
  };
  static constexpr size_t kShards = 16;

  Shard& ShardFor(std::string_view key);
  void Prune(Shard& shard, const RateLimit& limit, int64_t now_ns);

  const size_t max_per_shard_;
  std::array<Shard, kShards> shards_;
};

class Throttler final : public api::Throttle {
 public:
  Throttler(ThrottleOptions options, const Clock& clock);

  // OK, or kResourceExhausted with retry_after_ms. Touches no store. Thread-safe.
  Status Check(const api::Caller& caller, api::Op op, const api::Route& route) override;

 private:
  const ThrottleOptions options_;
  const Clock& clock_;
  TokenBuckets per_key_;
  TokenBuckets per_key_op_;
  TokenBuckets per_user_;
};

}  // namespace chime::server
