// Numbered schema migrations for PostgreSQL: 1 and 2 are the SQLite store's
// (store/sqlite/migrations.cc) in PostgreSQL's dialect, 3 and 4 serve this store only. Each is
// applied once, in its own transaction, and recorded in `schema_migrations`. Several chimed
// instances starting together on one empty database are safe: the runner holds a session-level
// advisory lock while it reads the version and migrates, so exactly one applies each migration and
// the others then find the schema current. A database newer than this binary is refused.
#pragma once

#include "common/status.h"
#include "store/postgres/pg_connection.h"

namespace chime::store::postgres {

// The highest schema version this binary knows.
int LatestSchemaVersion();

// Brings the database on `conn` (no transaction open) up to `version` (tests build a database
// as an older chimed left it), by default LatestSchemaVersion().
// kInternal when the database is newer than this binary or a migration fails;
// kUnavailable when the server cannot be reached.
Status ApplyMigrations(PgConnection& conn, int version = LatestSchemaVersion());

}  // namespace chime::store::postgres
