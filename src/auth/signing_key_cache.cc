#include "auth/signing_key_cache.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstdint>

#include "auth/sigv4_canonical.h"

namespace chime::auth {
namespace {

// Appends a length-prefixed field so that ("ab","c") and ("a","bc") never share a cache key.
// The length is four raw bytes: formatting it as text showed in the request path's profile.
void AppendField(std::string& out, std::string_view field) {
  const auto n = static_cast<uint32_t>(field.size());
  out.append(reinterpret_cast<const char*>(&n), sizeof n).append(field);
}

bool SameSecret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

SigningKeyCache::SigningKeyCache(size_t capacity) : capacity_(std::max<size_t>(capacity, 1)) {}

SigningKeyCache::~SigningKeyCache() {
  for (auto& [name, entry] : keys_) Wipe(entry);
}

void SigningKeyCache::Wipe(Entry& entry) {
  OPENSSL_cleanse(entry.secret.data(), entry.secret.size());
}

std::shared_ptr<const HmacSha256Key> SigningKeyCache::Get(std::string_view access_key_id,
                                                          std::string_view secret,
                                                          std::string_view date,
                                                          std::string_view region,
                                                          std::string_view service) {
  std::string cache_key;
  cache_key.reserve(access_key_id.size() + date.size() + region.size() + service.size() + 16);
  AppendField(cache_key, access_key_id);
  AppendField(cache_key, date);
  AppendField(cache_key, region);
  AppendField(cache_key, service);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = keys_.find(cache_key);
    if (it != keys_.end() && SameSecret(it->second.secret, secret)) return it->second.key;
  }
  // Derived outside the lock; two threads racing on the same miss both derive the same value.
  std::string derived = DeriveSigningKey(secret, date, region, service);
  auto key = std::make_shared<const HmacSha256Key>(derived);
  OPENSSL_cleanse(derived.data(), derived.size());
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = keys_.try_emplace(cache_key);
  Wipe(it->second);
  it->second = Entry{std::string(secret), key};
  if (inserted) {
    order_.push_back(std::move(cache_key));
    while (order_.size() > capacity_) {
      auto victim = keys_.find(order_.front());
      Wipe(victim->second);
      keys_.erase(victim);
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
