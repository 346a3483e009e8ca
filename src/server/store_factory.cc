#include "server/store_factory.h"

#include "server/data_dir.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"

namespace chime::server {
namespace {

constexpr char kSqlitePrefix[] = "sqlite:";

StatusOr<std::unique_ptr<store::Store>> OpenSqlite(const std::string& path,
                                                   const ServerConfig& config) {
  store::sqlite::SqliteStoreOptions options;
  options.wal_limit_bytes = int64_t{config.sqlite_wal_limit_mib} << 20;
  ASSIGN_OR_RETURN(auto sqlite, store::sqlite::SqliteStore::Open(path, options));
  return std::unique_ptr<store::Store>(std::move(sqlite));
}

}  // namespace

StatusOr<std::unique_ptr<store::Store>> OpenStoreUrl(const std::string& url,
                                                     const ServerConfig& config) {
  if (store::postgres::IsPostgresUrl(url)) {
    store::postgres::PgStoreOptions options;
    options.writer.threads = config.pg_writers;
    options.max_read_connections = config.pg_read_connections;
    ASSIGN_OR_RETURN(auto pg, store::postgres::PgStore::Open(url, options));
    return std::unique_ptr<store::Store>(std::move(pg));
  }
  if (auto path = SqlitePathOf(url)) return OpenSqlite(*path, config);
  return InvalidArgument("The store URL must be sqlite:PATH or postgres://... (postgresql://...).");
}

StatusOr<std::unique_ptr<store::Store>> OpenStore(const ServerConfig& config) {
  RETURN_IF_ERROR(PrepareDataDir(config.data_dir));
  if (!config.store_url.empty()) return OpenStoreUrl(config.store_url, config);
  return OpenSqlite(config.data_dir + "/chimed.db", config);
}

std::optional<std::string> SqlitePathOf(const std::string& url) {
  if (url.rfind(kSqlitePrefix, 0) != 0 || url.size() == sizeof(kSqlitePrefix) - 1) {
    return std::nullopt;
  }
  return url.substr(sizeof(kSqlitePrefix) - 1);
}

std::string DescribeStoreUrl(const std::string& url) {
  return store::postgres::IsPostgresUrl(url) ? store::postgres::RedactUrl(url) : url;
}

}  // namespace chime::server
