#include "auth/signing_key_cache.h"

#include <algorithm>

#include "auth/sigv4_canonical.h"

namespace chime::auth {
namespace {

// Appends a length-prefixed field so that ("ab","c") and ("a","bc") never share a cache key.
void AppendField(std::string& out, std::string_view field) {
  out.append(std::to_string(field.size())).append(":").append(field);
}

}  // namespace

SigningKeyCache::SigningKeyCache(size_t capacity) : capacity_(std::max<size_t>(capacity, 1)) {}

std::string SigningKeyCache::Get(std::string_view access_key_id, std::string_view secret,
                                 std::string_view date, std::string_view region,
                                 std::string_view service) {
  std::string cache_key;
  AppendField(cache_key, access_key_id);
  AppendField(cache_key, Sha256(secret));
  AppendField(cache_key, date);
  AppendField(cache_key, region);
  AppendField(cache_key, service);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = keys_.find(cache_key);
    if (it != keys_.end()) return it->second;
  }
  // Derived outside the lock; two threads racing on the same miss both derive the same value.
  std::string key = DeriveSigningKey(secret, date, region, service);
  std::lock_guard<std::mutex> lock(mu_);
  if (keys_.emplace(cache_key, key).second) {
    order_.push_back(std::move(cache_key));
    while (order_.size() > capacity_) {
      keys_.erase(order_.front());
      order_.pop_front();
    }
  }
  return key;
}

size_t SigningKeyCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return keys_.size();
}

}  // namespace chime::auth
