#include "auth/key_resolver.h"

#include <openssl/crypto.h>

#include "common/log.h"

namespace chime::auth {

StatusOr<std::optional<ResolvedKey>> KeyResolver::Find(std::string_view access_key_id) {
  const std::string id(access_key_id);
  auto read = store_.ReadAccessKey(id);
  if (!read.ok()) return Unavailable("The credential store is unavailable; retry later.");
  std::optional<store::AccessKeyRecord>& rec = *read;
  if (!rec || !rec->enabled) {
    std::lock_guard lock(mu_);
    cache_.erase(id);  // deleted or disabled: drop the decrypted secret from memory
    return std::optional<ResolvedKey>();
  }
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(id);
    if (it != cache_.end() && it->second.sealed == rec->encrypted_secret &&
        it->second.policy_json == rec->policy_json &&
        it->second.key.material.session_token_sha256 == rec->session_token_hash) {
      return std::optional<ResolvedKey>(it->second.key);
    }
  }
  auto secret = box_.Open(rec->encrypted_secret, id);
  if (!secret.ok()) {
    {
      std::lock_guard lock(mu_);
      cache_.erase(id);  // an older copy must not go on admitting (FindCached)
    }
    LOG_ERROR("access key " << id << " cannot be decrypted with this master key; it is refused");
    return std::optional<ResolvedKey>();
  }
  auto policy = Policy::Parse(rec->policy_json);
  if (!policy.ok()) {
    LOG_ERROR("access key " << id << " has an invalid policy (" << policy.status().message()
                            << "); it is allowed nothing");
  }
  Entry entry{
      rec->encrypted_secret, rec->policy_json,
      ResolvedKey{KeyMaterial{std::move(*secret), std::nullopt, rec->session_token_hash},
                  std::make_shared<const Policy>(policy.ok() ? std::move(*policy) : Policy())}};
  ResolvedKey out = entry.key;
  std::lock_guard lock(mu_);
  cache_.insert_or_assign(id, std::move(entry));
  return std::optional<ResolvedKey>(std::move(out));
}

std::optional<CachedKey> KeyResolver::FindCached(std::string_view access_key_id) const {
  const std::string id(access_key_id);
  std::lock_guard lock(mu_);
  auto it = cache_.find(id);
  if (it == cache_.end()) return std::nullopt;
  const Entry& e = it->second;
  return CachedKey{e.key, store::AccessKeyCheck{id, e.sealed, e.key.material.session_token_sha256,
                                                e.policy_json}};
}

void KeyResolver::NoteUsed(const std::string& access_key_id, const store::AccessKeyCheck* check) {
  const int64_t now = clock_.NowMs();
  {
    std::lock_guard lock(mu_);
    auto [it, inserted] = last_noted_ms_.try_emplace(access_key_id, now);
    if (!inserted) {
      if (now - it->second < last_used_interval_ms_) return;
      it->second = now;
    }
  }
  // Only last_used_ms changes, re-read inside the write so that a concurrent admin change
  // (disable, rotate, policy) is never overwritten with what this process saw earlier.
  store_.Write(
      [access_key_id, now,
       check = check ? std::optional<store::AccessKeyCheck>(*check)
                     : std::nullopt](store::Tx& tx) -> Status {
        auto rec = tx.GetAccessKey(access_key_id);
        if (!rec.ok()) return rec.status().code() == Code::kNotFound ? OkStatus() : rec.status();
        if (check && !store::KeyRowMatches(*rec, *check)) return OkStatus();  // a stale copy
        if (rec->last_used_ms && *rec->last_used_ms >= now) return OkStatus();
        rec->last_used_ms = now;
        return tx.UpdateAccessKey(*rec);
      },
      [access_key_id](Status s) {
        if (!s.ok()) LOG_WARN("could not record last use of access key " << access_key_id);
      });
}

size_t KeyResolver::cached_keys() const {
  std::lock_guard lock(mu_);
  return cache_.size();
}

}  // namespace chime::auth
