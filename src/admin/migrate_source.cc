#include "admin/migrate_source.h"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "server/store_factory.h"
#include "store/sqlite/database_snapshot.h"
#include "store/sqlite/migrations.h"

namespace chime::admin {

StatusOr<std::unique_ptr<MigrateSource>> MigrateSource::Open(
    const std::string& url, const std::string& snapshot_parent,
    const std::function<void(const std::string&)>& note) {
  std::unique_ptr<MigrateSource> source(new MigrateSource());
  std::optional<std::string> path = server::SqlitePathOf(url);
  if (path) {
    ASSIGN_OR_RETURN(int version, store::sqlite::ReadSchemaVersion(*path));
    const int latest = store::sqlite::LatestSchemaVersion();
    if (version > latest) {
      return InvalidArgument(*path + " was written by a newer chimed (schema version " +
                             std::to_string(version) + ", this binary knows " +
                             std::to_string(latest) + "); run migrate-store of that version.");
    }
    if (version < latest) {
      RETURN_IF_ERROR(source->UpgradeSnapshot(*path, version, snapshot_parent, note));
      return source;
    }
  }
  // SQLite at the current schema, read in place (which changes nothing in it), or PostgreSQL,
  // opened as chimed opens it.
  ASSIGN_OR_RETURN(source->store_, server::OpenStoreUrl(url));
  return source;
}

Status MigrateSource::UpgradeSnapshot(const std::string& path, int version,
                                      const std::string& snapshot_parent,
                                      const std::function<void(const std::string&)>& note) {
  std::string dir = snapshot_parent + "/chimed-migrate-XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) {
    return Unavailable("Cannot create a directory in " + snapshot_parent + " for a copy of " +
                       path + ": " + std::strerror(errno) + ".");
  }
  snapshot_dir_ = dir;  // removed by the destructor from here on
  const std::string copy = dir + "/chimed.db";
  note(path + " is at schema version " + std::to_string(version) +
       " (this chimed: " + std::to_string(store::sqlite::LatestSchemaVersion()) +
       "): copying it to " + copy + " and upgrading the copy; the source stays as it is");
  RETURN_IF_ERROR(store::sqlite::SnapshotDatabase(path, copy));
  ASSIGN_OR_RETURN(store_, server::OpenStoreUrl("sqlite:" + copy));
  return OkStatus();
}

MigrateSource::~MigrateSource() {
  if (store_ != nullptr) store_->Close();
  store_.reset();
  if (!snapshot_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(snapshot_dir_, ignored);
  }
}

}  // namespace chime::admin
