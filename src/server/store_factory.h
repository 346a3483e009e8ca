// Opens the Store the configuration names. Used by the server and by the administrative
// subcommands, so both always agree on where data lives.
//
// Store URLs (--store / CHIMED_STORE_URL):
//   ""                      SQLite in the data directory (<data-dir>/chimed.db), the default;
//   sqlite:PATH             SQLite at PATH;
//   postgres://... or postgresql://...   PostgreSQL (libpq URI; several hosts allowed, the
//                           read-write one is used). Keep the password out of argv: use
//                           CHIMED_STORE_URL, PGPASSWORD or a ~/.pgpass file.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "server/config.h"
#include "store/store.h"

namespace chime::server {

// Prepares the data directory (0700) and opens the store config.store_url names (SQLite
// `chimed.db` in the data directory when it is empty). kInvalidArgument for a URL of no known
// kind; otherwise the errors of the store's Open.
StatusOr<std::unique_ptr<store::Store>> OpenStore(const ServerConfig& config);

// Opens the store an explicit URL names ("sqlite:PATH" or a PostgreSQL URL), without touching
// any data directory. For tools such as `chimed migrate-store`. Of `config`, only the store
// tuning is used: pg_writers and pg_read_connections for PostgreSQL, sqlite_wal_limit_mib for
// SQLite.
StatusOr<std::unique_ptr<store::Store>> OpenStoreUrl(const std::string& url,
                                                     const ServerConfig& config = ServerConfig());

// The file a "sqlite:PATH" URL names; nullopt for any other URL.
std::optional<std::string> SqlitePathOf(const std::string& url);

// The URL with any password hidden, for messages and logs.
std::string DescribeStoreUrl(const std::string& url);

}  // namespace chime::server
