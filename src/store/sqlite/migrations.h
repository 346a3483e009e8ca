// Numbered schema migrations. Each is applied once, in order, in its own transaction, and
// recorded in `schema_migrations`; reopening a database applies only the missing ones.
// A database whose schema is newer than this binary knows is refused rather than guessed at.
#pragma once

#include "common/status.h"
#include "store/sqlite/connection.h"

namespace chime::store::sqlite {

// The highest schema version this binary knows.
int LatestSchemaVersion();

// Brings the database on `conn` (no transaction open) up to LatestSchemaVersion().
// kInternal when the database is newer than this binary or a migration fails;
// kUnavailable when the database is busy or the disk fails.
Status ApplyMigrations(Connection& conn);

}  // namespace chime::store::sqlite
