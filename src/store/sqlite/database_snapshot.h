// Reading a chimed SQLite database that must stay exactly as it is: the source of
// `chimed migrate-store`. An operator keeps that file to go back to, possibly with the chimed
// version that wrote it, which refuses a schema newer than it knows; so nothing here writes to
// it, not even a migration. A source at an older schema is copied first and the copy upgraded.
#pragma once

#include <string>

#include "common/status.h"

namespace chime::store::sqlite {

// The schema version (see migrations.h) of the database at `path`, read through a read-only
// connection. kNotFound when there is no file at `path`; kInvalidArgument when the file is not a
// SQLite database or not a chimed one; kUnavailable when it cannot be read.
StatusOr<int> ReadSchemaVersion(const std::string& path);

// Copies a consistent snapshot of the database at `from` (read-only) into a new file `to`,
// created with mode 0600, with SQLite's online backup: other processes may go on using `from`
// meanwhile. kConflict when `to` exists; kUnavailable when either file cannot be read or written.
Status SnapshotDatabase(const std::string& from, const std::string& to);

}  // namespace chime::store::sqlite
