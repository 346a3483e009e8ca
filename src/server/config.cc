#include "server/config.h"

#include <charconv>

namespace chime::server {

void AddServeFlags(CLI::App& app, ServerConfig& c) {
  app.add_option("--listen", c.listen, "Address to serve on, HOST:PORT (port 0 picks a free one)")
      ->envname("CHIMED_LISTEN")
      ->capture_default_str();
  app.add_option("--data-dir", c.data_dir, "Directory for the database and key files")
      ->envname("CHIMED_DATA_DIR")
      ->capture_default_str();
  app.add_option("--log-level", c.log_level, "debug, info, warn, error or off")
      ->envname("CHIMED_LOG_LEVEL")
      ->check(CLI::IsMember({"debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  app.add_option("--io-threads", c.io_threads, "I/O threads (0 = one per core)")
      ->envname("CHIMED_IO_THREADS")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  app.add_option("--aws-account-id", c.aws_account_id,
                 "12-digit AWS account id reported as Account.AwsAccountId")
      ->envname("CHIMED_AWS_ACCOUNT_ID")
      ->check([](const std::string& v) -> std::string {
        if (v.size() != 12 || v.find_first_not_of("0123456789") != std::string::npos) {
          return "must be 12 digits";
        }
        return "";
      })
      ->capture_default_str();
  app.add_flag("--strict-account-types", c.strict_account_types,
               "Enforce Amazon Chime's account-type rules exactly (see docs/api.md)")
      ->envname("CHIMED_STRICT_ACCOUNT_TYPES");
  app.add_option("--store", c.store_url,
                 "Store URL: sqlite:PATH, or postgres://... for PostgreSQL (default: SQLite in "
                 "the data dir); prefer the environment variable when it holds a password")
      ->envname("CHIMED_STORE_URL");
  app.add_option("--pg-writers", c.pg_writers,
                 "PostgreSQL store only: writer connections, each committing its own batches "
                 "of writes, and as many per I/O thread for the resets it sends itself (see "
                 "docs/operating-at-scale.md)")
      ->envname("CHIMED_PG_WRITERS")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--pg-read-connections", c.pg_read_connections,
                 "PostgreSQL store only: read connections at most; reads beyond them wait for "
                 "one (see docs/operating-at-scale.md, Sizing)")
      ->envname("CHIMED_PG_READ_CONNECTIONS")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--sqlite-wal-limit-mib", c.sqlite_wal_limit_mib,
                 "SQLite store only: WAL size in MiB past which the writer starts the WAL over, "
                 "so its file stays near this size under writes that never pause (0: unbounded)")
      ->envname("CHIMED_SQLITE_WAL_LIMIT_MIB")
      ->check(CLI::Range(0, 1 << 20))
      ->capture_default_str();
  app.add_option("--regions", c.regions,
                 "Regions accepted in SigV4 credential scopes, comma-separated")
      ->envname("CHIMED_REGIONS")
      ->delimiter(',')
      ->check([](const std::string& v) -> std::string {
        if (v.empty() || v.size() > 64 ||
            v.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
          return "a region is 1 to 64 of a-z, 0-9 and '-'";
        }
        return "";
      })
      ->capture_default_str();
  app.add_option("--master-key-file", c.master_key_file,
                 "File holding the key that encrypts access-key secrets (default "
                 "<data-dir>/master.key, created 0600; CHIMED_MASTER_KEY overrides it)")
      ->envname("CHIMED_MASTER_KEY_FILE");
  AddLimitFlags(app, c.limits);
}

bool SplitHostPort(const std::string& listen, std::string* host, uint16_t* port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 >= listen.size()) return false;
  std::string h = listen.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (h.empty()) return false;
  unsigned value = 0;
  const char* b = listen.data() + colon + 1;
  const char* e = listen.data() + listen.size();
  auto [p, ec] = std::from_chars(b, e, value);
  if (ec != std::errc() || p != e || value > 65535) return false;
  *host = h;
  *port = static_cast<uint16_t>(value);
  return true;
}

}  // namespace chime::server
