#include "server/throttle.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace chime::server {
namespace {

std::optional<double> ParseNumber(std::string_view s) {
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v) || v < 0) {
    return std::nullopt;
  }
  return v;
}

// Reuses one buffer per thread to build composite keys, so a request allocates nothing once
// the buffer has grown.
std::string_view JoinKey(std::string_view a, std::string_view b) {
  thread_local std::string buf;
  buf.assign(a);
  buf.push_back('\n');  // never part of an access key id or a decoded label we accept
  buf.append(b);
  return buf;
}

Status Throttled(std::string_view what, int retry_after_ms) {
  return ResourceExhausted("Rate exceeded: too many " + std::string(what) +
                           "; retry after the interval in Retry-After.")
      .WithRetryAfterMs(retry_after_ms);
}

}  // namespace

std::optional<RateLimit> ParseRateLimit(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto burst = ParseNumber(text.substr(0, colon));
  auto rate = ParseNumber(text.substr(colon + 1));
  if (!burst || !rate) return std::nullopt;
  return RateLimit{*burst, *rate};
}

TokenBuckets::TokenBuckets(size_t max_buckets)
    : max_per_shard_(std::max<size_t>(1, max_buckets / kShards)) {}

TokenBuckets::Shard& TokenBuckets::ShardFor(std::string_view key) {
  return shards_[Hash()(key) % kShards];
}

bool TokenBuckets::Take(std::string_view key, const RateLimit& limit, int64_t now_ns,
                        int* retry_after_ms) {
  Shard& shard = ShardFor(key);
  std::lock_guard lock(shard.mu);
  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= max_per_shard_) Prune(shard, limit, now_ns);
    it = shard.buckets.emplace(std::string(key), Bucket{limit.burst, now_ns}).first;
  }
  Bucket& b = it->second;
  if (now_ns > b.last_ns) {
    b.tokens = std::min(limit.burst, b.tokens + (now_ns - b.last_ns) * 1e-9 * limit.per_second);
    b.last_ns = now_ns;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  double wait_ms = std::ceil((1.0 - b.tokens) / limit.per_second * 1000.0);
  *retry_after_ms = static_cast<int>(std::clamp(wait_ms, 1.0, 86'400'000.0));
  return false;
}

void TokenBuckets::Refund(std::string_view key, const RateLimit& limit) {
  Shard& shard = ShardFor(key);
  std::lock_guard lock(shard.mu);
  auto it = shard.buckets.find(key);
  if (it != shard.buckets.end()) it->second.tokens = std::min(limit.burst, it->second.tokens + 1);
}

void TokenBuckets::Prune(Shard& shard, const RateLimit& limit, int64_t now_ns) {
  std::erase_if(shard.buckets, [&](const auto& entry) {
    const Bucket& b = entry.second;
    return b.tokens + (now_ns - b.last_ns) * 1e-9 * limit.per_second >= limit.burst;
  });
  // Still full of busy buckets (many distinct keys at once): forget half. Those keys get a
  // fresh burst, which is the price of bounded memory.
  if (shard.buckets.size() >= max_per_shard_) {
    size_t n = 0;
    std::erase_if(shard.buckets, [&](const auto&) { return n++ % 2 == 0; });
  }
}

size_t TokenBuckets::size() const {
  size_t n = 0;
  for (const Shard& s : shards_) {
    std::lock_guard lock(s.mu);
    n += s.buckets.size();
  }
  return n;
}

Throttler::Throttler(ThrottleOptions options, const Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      per_key_(options_.max_buckets),
      per_key_op_(options_.max_buckets),
      per_user_(options_.max_buckets) {}

Status Throttler::Check(const api::Caller& caller, api::Op op, const api::Route& route) {
  const int64_t now = clock_.MonotonicNs();
  int retry_ms = 0;
  const std::string& key = caller.principal;
  // Each check takes its token; a later refusal gives back the earlier ones, so a refused
  // request costs the caller nothing.
  const RateLimit& per_key = options_.per_key;
  if (per_key.enabled() && !per_key_.Take(key, per_key, now, &retry_ms)) {
    return Throttled("requests for this access key", retry_ms);
  }
  const auto& per_op = options_.per_key_op[static_cast<size_t>(op)];
  if (per_op && per_op->enabled()) {
    // The key is rebuilt for the refund: JoinKey's buffer is shared with the per-user check.
    if (!per_key_op_.Take(JoinKey(key, api::OpName(op)), *per_op, now, &retry_ms)) {
      if (per_key.enabled()) per_key_.Refund(key, per_key);
      return Throttled(std::string(api::OpName(op)) + " requests for this access key", retry_ms);
    }
  }
  const RateLimit& per_user = options_.pin_reset_per_user;
  if (op == api::Op::kResetPersonalPIN && per_user.enabled() && route.labels.size() >= 2) {
    if (!per_user_.Take(JoinKey(route.labels[0], route.labels[1]), per_user, now, &retry_ms)) {
      if (per_key.enabled()) per_key_.Refund(key, per_key);
      if (per_op && per_op->enabled()) per_key_op_.Refund(JoinKey(key, api::OpName(op)), *per_op);
      return Throttled("PIN resets for this user", retry_ms);
    }
  }
  return OkStatus();
}

}  // namespace chime::server
