// Access-key rows a read connection has read, reused while nothing has been committed since.
//
// Every request's SigV4 check reads its access key's row: about 11k instructions of a GetUser's
// 112k. The row must stay current, because `chimed keys` in another process may disable or
// delete a key and the next request must see that. SQLite's PRAGMA data_version, read inside
// the read transaction, changes whenever any other connection (the writer, another process) has
// committed: while it is unchanged, this connection's snapshot holds exactly the rows it read
// before. Under resets at c32 about fifteen requests share each commit, so most still hit.
// Only for read connections: data_version does not count a connection's own commits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "store/store.h"

namespace chime::store::sqlite {

class KeyRowCache {
 public:
  // Keys per connection at most (a deployment has few; an attacker's unknown ids never enter).
  static constexpr std::size_t kMaxRows = 64;

  // The row cached for `access_key_id` at `data_version`, or nullptr. A new version empties the
  // cache.
  const AccessKeyRecord* Find(int64_t data_version, const std::string& access_key_id) {
    if (data_version != version_) {
      rows_.clear();
      version_ = data_version;
      return nullptr;
    }
    auto it = rows_.find(access_key_id);
    return it == rows_.end() ? nullptr : &it->second;
  }

  // Remembers a row read at `data_version` (the version Find was last asked about).
  void Put(int64_t data_version, const AccessKeyRecord& row) {
    if (data_version != version_ || rows_.size() >= kMaxRows) return;
    rows_.emplace(row.access_key_id, row);
  }

 private:
  int64_t version_ = -1;
  std::unordered_map<std::string, AccessKeyRecord> rows_;
};

}  // namespace chime::store::sqlite
