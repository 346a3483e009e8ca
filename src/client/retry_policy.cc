#include "client/retry_policy.h"

#include <algorithm>
#include <charconv>

namespace chime::client {
namespace {

std::optional<int64_t> ParseNonNegative(const std::string* text) {
  if (text == nullptr) return std::nullopt;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size() || v < 0) return std::nullopt;
  return v;
}

}  // namespace

bool RetryQuota::Acquire(int cost) {
  std::lock_guard lock(mu_);
  if (available_ < cost) return false;
  available_ -= cost;
  return true;
}

void RetryQuota::Release(int amount) {
  std::lock_guard lock(mu_);
  available_ = std::min(capacity_, available_ + amount);
}

int RetryQuota::available() const {
  std::lock_guard lock(mu_);
  return available_;
}

std::optional<int64_t> RetryAfterMs(const http::Response& response) {
  if (auto ms = ParseNonNegative(response.Header("x-amz-retry-after"))) return ms;
  if (auto s = ParseNonNegative(response.Header("Retry-After"))) {
    return *s > INT64_MAX / 1000 ? INT64_MAX : *s * 1000;
  }
  return std::nullopt;  // an HTTP-date Retry-After is ignored: backoff applies
}

RetryClass Classify(const Error& error) {
  if (error.kind == ErrorKind::kTimeout) return RetryClass::kTimeout;
  if (error.kind == ErrorKind::kNetwork) return RetryClass::kTransient;
  if (error.IsThrottling()) return RetryClass::kThrottling;
  switch (error.http_status) {
    case 500:
    case 502:
    case 503:
    case 504:
      return RetryClass::kTransient;
    default:
      return RetryClass::kNotRetryable;
  }
}

int64_t RetryPolicy::Backoff(int retry) {
  int shift = std::clamp(retry - 1, 0, 40);
  int64_t ceiling = options_.base_delay_ms;
  for (int i = 0; i < shift && ceiling < options_.max_backoff_ms; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, options_.max_backoff_ms);
  if (ceiling <= 0) return 0;
  return static_cast<int64_t>(random_.Uniform(static_cast<uint64_t>(ceiling) + 1));
}

RetryPolicy::Decision RetryPolicy::OnFailure(const Error& error, int attempt,
                                             std::optional<int64_t> retry_after_ms) {
  Decision d;
  RetryClass cls = Classify(error);
  if (cls == RetryClass::kNotRetryable) {
    d.reason = "not retryable";
    return d;
  }
  if (attempt >= options_.max_attempts) {
    d.reason = "max attempts (" + std::to_string(options_.max_attempts) + ") reached";
    return d;
  }
  int cost = cls == RetryClass::kTimeout ? options_.timeout_retry_cost : options_.retry_cost;
  if (!quota_.Acquire(cost)) {
    d.reason = "retry quota exhausted";
    return d;
  }
  d.retry = true;
  d.cost = cost;
  if (retry_after_ms) {
    d.delay_ms = std::min(*retry_after_ms, options_.max_retry_after_ms);
    d.reason = "server asked to retry after " + std::to_string(d.delay_ms) + " ms";
  } else {
    d.delay_ms = Backoff(attempt);
    d.reason = cls == RetryClass::kThrottling ? "throttled" : "transient error";
  }
  return d;
}

void RetryPolicy::OnSuccess(int last_retry_cost) {
  quota_.Release(last_retry_cost > 0 ? last_retry_cost : options_.no_retry_increment);
}

}  // namespace chime::client
