// The store `chimed migrate-store` copies from, opened so that it stays as it was: the operator
// keeps it to go back to, perhaps with the chimed version that wrote it, and that version
// refuses a schema newer than it knows.
//
// A SQLite source at this binary's schema version is opened in place (reading changes nothing
// in it). One at an older version is copied first, with SQLite's online backup, into a private
// directory (mode 0700) under `snapshot_parent`, and the copy is upgraded and read instead; the
// directory goes with the MigrateSource. A missing file is an error, never a new empty source.
// A PostgreSQL source is opened as chimed would open it, migrations included.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "store/store.h"

namespace chime::admin {

class MigrateSource {
 public:
  // `note` hears, in a sentence, when a snapshot is made and where.
  static StatusOr<std::unique_ptr<MigrateSource>> Open(
      const std::string& url, const std::string& snapshot_parent,
      const std::function<void(const std::string&)>& note);
  ~MigrateSource();  // closes the store, then removes the snapshot
  MigrateSource(const MigrateSource&) = delete;
  MigrateSource& operator=(const MigrateSource&) = delete;

  store::Store& store() const { return *store_; }
  // Where the upgraded copy lives; empty when the source is read in place.
  const std::string& snapshot_dir() const { return snapshot_dir_; }

 private:
  MigrateSource() = default;
  // Copies the SQLite database at `path` (at schema `version`) into a new private directory
  // under `snapshot_parent` and opens the copy, which the store's Open upgrades.
  Status UpgradeSnapshot(const std::string& path, int version, const std::string& snapshot_parent,
                         const std::function<void(const std::string&)>& note);

  std::string snapshot_dir_;
  std::unique_ptr<store::Store> store_;
};

}  // namespace chime::admin
