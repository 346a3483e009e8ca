// chimed's configuration: every flag has an environment equivalent, flags win over the
// environment, and the defaults serve a developer on one machine.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "server/limits.h"

namespace chime::server {

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";  // --listen / CHIMED_LISTEN; port 0 picks a free port
  std::string data_dir = "./var";         // --data-dir / CHIMED_DATA_DIR; created 0700
  std::string log_level = "info";         // --log-level / CHIMED_LOG_LEVEL
  int io_threads = 0;                     // --io-threads / CHIMED_IO_THREADS; 0 = one per core
  std::string aws_account_id = "123456789012";  // --aws-account-id / CHIMED_AWS_ACCOUNT_ID
  bool strict_account_types = false;  // --strict-account-types / CHIMED_STRICT_ACCOUNT_TYPES
  // --store / CHIMED_STORE_URL: sqlite:PATH or postgres://...; "" = SQLite in the data dir
  // (server/store_factory.h).
  std::string store_url;
  // --pg-writers / CHIMED_PG_WRITERS: PostgreSQL writer connections, each group-committing its
  // own batches so that one's statement runs while another's COMMIT waits for its WAL flush.
  // 2 by default: a fifth more resets per second than 1 on the 2-core bench machine, and 3 no
  // more than 2 (docs/operating-at-scale.md).
  int pg_writers = 2;
  // --pg-read-connections / CHIMED_PG_READ_CONNECTIONS: the most read connections one instance
  // keeps open; reads beyond it wait for one. With the writers, what each instance takes of the
  // server's max_connections. The default is PgStoreOptions::max_read_connections (a test keeps
  // the two equal).
  int pg_read_connections = 8;
  // --sqlite-wal-limit-mib / CHIMED_SQLITE_WAL_LIMIT_MIB: SQLite store only. Once the WAL holds
  // more than this, the writer starts it over between two batches, and a WAL file that grew
  // past it is trimmed back (store/sqlite/wal_rewinder.h). 0 = unbounded. The default is
  // SqliteStoreOptions::wal_limit_bytes (a test keeps the two equal).
  int sqlite_wal_limit_mib = 512;
  // --regions / CHIMED_REGIONS (comma-separated): regions accepted in SigV4 credential scopes.
  std::vector<std::string> regions{"us-east-1"};
  // --master-key-file / CHIMED_MASTER_KEY_FILE; "" = <data-dir>/master.key. The environment
  // variable CHIMED_MASTER_KEY (hex or base64 of 32 bytes), when set, is used instead.
  std::string master_key_file;
  LimitsConfig limits;  // HTTP limits, admission control, throttling (server/limits.h)
};

// Registers the serve flags on `app` (the top-level command, which serves by default).
void AddServeFlags(CLI::App& app, ServerConfig& config);

// Splits "HOST:PORT" (HOST may be [v6]); false when malformed.
bool SplitHostPort(const std::string& listen, std::string* host, uint16_t* port);

}  // namespace chime::server
