// The key-encryption key that seals access-key secrets (see secret_box.h). It never enters the
// database: it comes from the environment (CHIMED_MASTER_KEY) or from an owner-only file,
// by default <data-dir>/master.key, created on first use.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/random.h"
#include "common/status.h"

namespace chime::auth {

// Decodes a master key given as text: 64 hex digits, or standard/url-safe base64 of 32 bytes
// (padding optional). Surrounding whitespace is ignored. kInvalidArgument otherwise; the
// message never echoes the text.
StatusOr<std::string> DecodeMasterKey(std::string_view text);

struct MasterKeySource {
  std::optional<std::string> env_value;  // CHIMED_MASTER_KEY, when set
  std::string file_path;                 // used when env_value is unset
};

struct LoadedMasterKey {
  std::string key;     // 32 raw bytes: secret material
  std::string origin;  // "CHIMED_MASTER_KEY" or the file path, for log lines
  bool created = false;
};

// Returns the master key: from `env_value` when set, else read from `file_path`, which is created
// (32 random bytes as 64 hex digits, mode 0600 whatever the umask, O_EXCL so two processes
// starting at once agree on one key) when it does not exist. Refuses (kUnavailable) a key file
// that group or others may read or write, or that is not a regular file, and (kInvalidArgument)
// a malformed key.
StatusOr<LoadedMasterKey> LoadOrCreateMasterKey(const MasterKeySource& source,
                                                RandomSource& random);

// Writes `contents` to `path` atomically (a temporary file in the same directory, fsynced, then
// renamed over `path`), with mode 0600 whatever the umask. kUnavailable on any I/O error.
Status WriteOwnerOnlyFile(const std::string& path, std::string_view contents);

}  // namespace chime::auth
