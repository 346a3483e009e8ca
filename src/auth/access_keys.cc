#include "auth/access_keys.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "auth/policy.h"
#include "auth/sigv4_canonical.h"

namespace chime::auth {
namespace {

constexpr size_t kMaxNameSize = 128;

Status ValidateName(const std::string& name) {
  if (name.empty() || name.size() > kMaxNameSize) {
    return InvalidArgument("The key name must be 1 to 128 characters.");
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f)
      return InvalidArgument("The key name must not contain control characters.");
  }
  return OkStatus();
}

std::string RandomBase64(RandomSource& random, size_t bytes) {
  std::string raw(bytes, '\0');
  random.Fill(reinterpret_cast<uint8_t*>(raw.data()), raw.size());
  std::string out(4 * ((bytes + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(raw.data()),
                          static_cast<int>(raw.size()));
  OPENSSL_cleanse(raw.data(), raw.size());
  out.resize(static_cast<size_t>(n));
  return out;
}

}  // namespace

std::string NewAccessKeyId(RandomSource& random) {
  static constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string id = "AKIA";
  for (int i = 0; i < 16; ++i) id.push_back(kBase32[random.Uniform(32)]);
  return id;
}

std::string NewSecretAccessKey(RandomSource& random) { return RandomBase64(random, 30); }

Status ValidateAccessKeyId(std::string_view id) {
  if (id.size() < 16 || id.size() > 128) {
    return InvalidArgument("An access key id must be 16 to 128 characters.");
  }
  for (unsigned char c : id) {
    if (!std::isalnum(c) && c != '_') {
      return InvalidArgument("An access key id may contain only letters, digits and '_'.");
    }
  }
  return OkStatus();
}

StatusOr<IssuedKey> AccessKeys::Create(const std::string& name, const std::string& policy_json,
                                       bool with_session_token) {
  RETURN_IF_ERROR(ValidateName(name));
  RETURN_IF_ERROR(Policy::Parse(policy_json).status());
  IssuedKey issued{NewAccessKeyId(random_), NewSecretAccessKey(random_), std::nullopt};
  store::AccessKeyRecord rec;
  rec.access_key_id = issued.access_key_id;
  rec.name = name;
  rec.encrypted_secret = box_.Seal(issued.secret_access_key, rec.access_key_id, random_);
  if (with_session_token) {
    issued.session_token = RandomBase64(random_, 96);
    rec.session_token_hash = Sha256Hex(*issued.session_token);
  }
  rec.policy_json = policy_json;
  rec.enabled = true;
  rec.created_ms = clock_.NowMs();
  RETURN_IF_ERROR(store_.WriteAndWait([&](store::Tx& tx) { return tx.InsertAccessKey(rec); }));
  return issued;
}

Status AccessKeys::Upsert(const std::string& access_key_id, const std::string& secret,
                          const std::string& name, const std::string& policy_json) {
  RETURN_IF_ERROR(ValidateAccessKeyId(access_key_id));
  RETURN_IF_ERROR(ValidateName(name));
  RETURN_IF_ERROR(Policy::Parse(policy_json).status());
  // Compare first in a read, so that a restart with unchanged environment writes nothing.
  std::optional<store::AccessKeyRecord> existing;
  RETURN_IF_ERROR(store_.Read([&](store::Tx& tx) -> Status {
    auto rec = tx.GetAccessKey(access_key_id);
    if (rec.ok()) existing = std::move(*rec);
    return rec.ok() || rec.status().code() == Code::kNotFound ? OkStatus() : rec.status();
  }));
  if (existing && existing->name == name && existing->policy_json == policy_json &&
      existing->enabled && !existing->session_token_hash) {
    auto current = box_.Open(existing->encrypted_secret, access_key_id);
    if (current.ok() && *current == secret) return OkStatus();
  }
  store::AccessKeyRecord rec;
  rec.access_key_id = access_key_id;
  rec.name = name;
  rec.encrypted_secret = box_.Seal(secret, access_key_id, random_);
  rec.policy_json = policy_json;
  rec.enabled = true;
  rec.created_ms = clock_.NowMs();
  return store_.WriteAndWait([&](store::Tx& tx) -> Status {
    auto old = tx.GetAccessKey(access_key_id);
    if (old.ok()) {
      rec.created_ms = old->created_ms;
      rec.last_used_ms = old->last_used_ms;
      return tx.UpdateAccessKey(rec);
    }
    if (old.status().code() != Code::kNotFound) return old.status();
    return tx.InsertAccessKey(rec);
  });
}

StatusOr<IssuedKey> AccessKeys::Rotate(const std::string& access_key_id) {
  IssuedKey issued{access_key_id, NewSecretAccessKey(random_), std::nullopt};
  std::string sealed = box_.Seal(issued.secret_access_key, access_key_id, random_);
  std::string token = RandomBase64(random_, 96);
  RETURN_IF_ERROR(Modify(access_key_id, [&](store::AccessKeyRecord& rec) {
    rec.encrypted_secret = sealed;
    if (rec.session_token_hash) {
      rec.session_token_hash = Sha256Hex(token);
      issued.session_token = token;
    }
    return OkStatus();
  }));
  return issued;
}

Status AccessKeys::SetEnabled(const std::string& access_key_id, bool enabled) {
  return Modify(access_key_id, [&](store::AccessKeyRecord& rec) {
    rec.enabled = enabled;
    return OkStatus();
  });
}

Status AccessKeys::SetPolicy(const std::string& access_key_id, const std::string& policy_json) {
  RETURN_IF_ERROR(Policy::Parse(policy_json).status());
  return Modify(access_key_id, [&](store::AccessKeyRecord& rec) {
    rec.policy_json = policy_json;
    return OkStatus();
  });
}

Status AccessKeys::Delete(const std::string& access_key_id) {
  return store_.WriteAndWait([&](store::Tx& tx) { return tx.DeleteAccessKey(access_key_id); });
}

StatusOr<std::vector<store::AccessKeyRecord>> AccessKeys::List() {
  std::vector<store::AccessKeyRecord> out;
  RETURN_IF_ERROR(store_.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, tx.ListAccessKeys());
    return OkStatus();
  }));
  return out;
}

StatusOr<store::AccessKeyRecord> AccessKeys::Get(const std::string& access_key_id) {
  store::AccessKeyRecord out;
  RETURN_IF_ERROR(store_.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, tx.GetAccessKey(access_key_id));
    return OkStatus();
  }));
  return out;
}

Status AccessKeys::Modify(const std::string& access_key_id,
                          std::function<Status(store::AccessKeyRecord&)> change) {
  return store_.WriteAndWait([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(store::AccessKeyRecord rec, tx.GetAccessKey(access_key_id));
    RETURN_IF_ERROR(change(rec));
    return tx.UpdateAccessKey(rec);
  });
}

}  // namespace chime::auth
