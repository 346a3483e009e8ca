// `chimed migrate-store`: copies a whole store into another, then verifies the copy.
//
//   export CHIMED_MIGRATE_TO='postgresql://chimed:PASS@db1,db2/chimed'  # password off argv
//   chimed migrate-store --from sqlite:/var/lib/chimed/chimed.db
//   chimed migrate-store --from sqlite:/var/lib/chimed/chimed.db --to postgres://db1/chimed
//
// Everything is copied: accounts, users and their PINs, retired PINs, PIN-reset audit records,
// documents (settings) and access keys. The destination must be empty (its schema is created).
// Stop chimed first: the source is read as one snapshot, and writes after it would not be
// copied. A SQLite source is never written, not even upgraded: one at an older schema version
// is copied into --snapshot-dir and the copy upgraded (migrate_source.h); a missing file is an
// error. Progress goes to stderr, as a bar on a terminal and as plain lines otherwise; a
// verification pass then compares both stores record by record.
// Exit status: 0 copied and verified; 1 a store failed, the destination was not empty, or the
// verification found a difference (message on stderr; never a PIN or a password).
#pragma once

#include <CLI/CLI.hpp>

#include "server/config.h"

namespace chime::admin {

void AddMigrateStoreCommand(CLI::App& app, const server::ServerConfig& config, int* exit_code);

}  // namespace chime::admin
