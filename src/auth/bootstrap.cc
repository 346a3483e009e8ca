#include "auth/bootstrap.h"

#include <openssl/crypto.h>

#include "auth/master_key.h"
#include "auth/policy.h"

namespace chime::auth {

std::string SharedCredentialsText(const IssuedKey& key) {
  std::string text =
      "# chimed root access key (allowed every chime action on every account).\n"
      "# Use it with AWS_SHARED_CREDENTIALS_FILE=<this file>, or copy it into ~/.aws/credentials.\n"
      "[default]\n"
      "aws_access_key_id = " +
      key.access_key_id + "\naws_secret_access_key = " + key.secret_access_key + "\n";
  if (key.session_token) text += "aws_session_token = " + *key.session_token + "\n";
  return text;
}

StatusOr<BootstrapResult> BootstrapRootKey(AccessKeys& keys, const RootKeySource& source) {
  const bool has_id = source.access_key_id && !source.access_key_id->empty();
  const bool has_secret = source.secret_access_key && !source.secret_access_key->empty();
  if (has_id != has_secret) {
    return InvalidArgument(
        "set both CHIMED_ROOT_ACCESS_KEY_ID and CHIMED_ROOT_SECRET_ACCESS_KEY, or neither");
  }
  if (has_id) {
    const std::string& secret = *source.secret_access_key;
    if (secret.size() < 16 || secret.size() > 128 ||
        secret.find_first_of(" \t\r\n") != std::string::npos) {
      return InvalidArgument(
          "CHIMED_ROOT_SECRET_ACCESS_KEY must be 16 to 128 characters without whitespace");
    }
    Status s = keys.Upsert(*source.access_key_id, secret, "root (CHIMED_ROOT_ACCESS_KEY_ID)",
                           Policy::AllowAllJson());
    if (!s.ok()) {
      return Status(s.code(), "CHIMED_ROOT_ACCESS_KEY_ID: " + s.message());
    }
    return BootstrapResult{*source.access_key_id, std::nullopt, true};
  }
  ASSIGN_OR_RETURN(auto existing, keys.List());
  if (!existing.empty()) return BootstrapResult{};
  ASSIGN_OR_RETURN(IssuedKey root, keys.Create("root", Policy::AllowAllJson()));
  const std::string path = source.data_dir + "/" + kRootCredentialsFile;
  std::string text = SharedCredentialsText(root);
  Status written = WriteOwnerOnlyFile(path, text);
  OPENSSL_cleanse(text.data(), text.size());
  OPENSSL_cleanse(root.secret_access_key.data(), root.secret_access_key.size());
  if (!written.ok()) {
    // Without the file nobody could ever use the key: remove it so the next start retries.
    (void)keys.Delete(root.access_key_id);
    return written;
  }
  return BootstrapResult{root.access_key_id, path, false};
}

}  // namespace chime::auth
