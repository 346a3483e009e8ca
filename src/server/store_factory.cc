#include "server/store_factory.h"

#include "server/data_dir.h"
#include "store/sqlite/sqlite_store.h"

namespace chime::server {

StatusOr<std::unique_ptr<store::Store>> OpenStore(const ServerConfig& config) {
  RETURN_IF_ERROR(PrepareDataDir(config.data_dir));
  ASSIGN_OR_RETURN(auto sqlite, store::sqlite::SqliteStore::Open(config.data_dir + "/chimed.db"));
  return std::unique_ptr<store::Store>(std::move(sqlite));
}

}  // namespace chime::server
