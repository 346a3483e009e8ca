// Retries as the AWS SDKs' "standard" mode does them (botocore retries/standard.py):
//
//  * Retried: HTTP 500, 502, 503, 504; throttling (ThrottledClientException / HTTP 429: chimed's
//    throttling error, which the SDKs' own list does not name, so this client adds it); and
//    network failures and timeouts. Every other 4xx is final.
//  * Delay before retry n (1-based): uniform in [0, min(max_backoff, base * 2^(n-1))] ("full
//    jitter"), unless the server said how long to wait: x-amz-retry-after (milliseconds) or
//    Retry-After (seconds) is honoured exactly, capped at max_retry_after_ms.
//  * Retry quota: a token bucket shared by every call of one client (capacity 500). A retry takes
//    5 tokens (10 after a timeout); when the bucket cannot pay, the error is returned at once.
//    A call that succeeds without retrying puts 1 token back; one that succeeds after retrying
//    returns what its last retry took. So a dead endpoint stops costing retries quickly.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "client/error.h"
#include "common/random.h"
#include "http/message.h"

namespace chime::client {

struct RetryOptions {
  int max_attempts = 3;  // attempts in total, first one included; 1 disables retries
  int64_t base_delay_ms = 1000;
  int64_t max_backoff_ms = 20'000;
  int64_t max_retry_after_ms = 20'000;
  int quota_capacity = 500;
  int retry_cost = 5;
  int timeout_retry_cost = 10;
  int no_retry_increment = 1;
};

// Thread-safe token bucket.
class RetryQuota {
 public:
  explicit RetryQuota(int capacity) : capacity_(capacity), available_(capacity) {}
  // Takes `cost` tokens if that many are available.
  bool Acquire(int cost);
  // Returns tokens, never above the capacity.
  void Release(int amount);
  int available() const;

 private:
  mutable std::mutex mu_;
  const int capacity_;
  int available_;
};

// The server's requested delay, from x-amz-retry-after (ms) or else Retry-After (seconds).
std::optional<int64_t> RetryAfterMs(const http::Response& response);

enum class RetryClass { kNotRetryable, kThrottling, kTransient, kTimeout };
RetryClass Classify(const Error& error);

class RetryPolicy {
 public:
  // `random` must outlive the policy.
  RetryPolicy(const RetryOptions& options, RandomSource& random)
      : options_(options), random_(random), quota_(options.quota_capacity) {}

  struct Decision {
    bool retry = false;
    int64_t delay_ms = 0;
    int cost = 0;        // tokens taken from the quota for this retry
    std::string reason;  // why not retried / what is retried, for --debug
  };

  // After failed attempt `attempt` (1-based) with `error`; `retry_after_ms` from the response.
  Decision OnFailure(const Error& error, int attempt, std::optional<int64_t> retry_after_ms);
  // After a successful attempt; `last_retry_cost` is the cost of the retry that led to it (0
  // when the first attempt succeeded).
  void OnSuccess(int last_retry_cost);

  // The jittered backoff for retry number `retry` (1-based), exposed for tests.
  int64_t Backoff(int retry);
  const RetryOptions& options() const { return options_; }
  RetryQuota& quota() { return quota_; }

 private:
  const RetryOptions options_;
  RandomSource& random_;
  RetryQuota quota_;
};

}  // namespace chime::client
