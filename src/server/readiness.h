// /readyz for chimed's SQLite store: ready when the schema is at the version this binary
// knows (migrations done), the database file and its directory are writable, the file system
// has room, and the writer thread completes an empty write transaction (so the write lock can
// be taken). Nothing is written: the empty transaction changes no page.
#pragma once

#include <cstdint>
#include <string>

#include "api/api.h"
#include "store/store.h"

namespace chime::server {

// The SQLite file a chimed with this --store URL and --data-dir serves; "" when not SQLite.
std::string SqlitePathFor(const std::string& store_url, const std::string& data_dir);

class StoreReadiness final : public api::Readiness {
 public:
  // `db_path` is the SQLite file `store` serves, or "" for a store that is not SQLite (only
  // the write probe runs then). Not ready when fewer than `min_free_bytes` are available to
  // unprivileged writers on its file system.
  StoreReadiness(store::Store& store, std::string db_path, int64_t min_free_bytes = 1 << 20);

  void Check(std::function<void(Status)> done) override;

 private:
  Status CheckFiles() const;
  Status CheckSchema() const;

  store::Store& store_;
  const std::string db_path_;
  const std::string dir_;
  const int64_t min_free_bytes_;
};

}  // namespace chime::server
