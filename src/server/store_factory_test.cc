// The store tuning flags reach the store the factory opens: --sqlite-wal-limit-mib bounds the
// WAL of the SQLite store (store/sqlite/wal_rewinder.h), and its default is the store's.
#include "server/store_factory.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "server/config.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/test_sustained_writer.h"
#include "store/sqlite/test_temp_dir.h"

namespace chime::server {
namespace {

TEST(StoreFactoryTest, TheWalLimitFlagDefaultsToTheStoresDefault) {
  EXPECT_EQ(int64_t{ServerConfig().sqlite_wal_limit_mib} << 20,
            store::sqlite::SqliteStoreOptions().wal_limit_bytes);
}

TEST(StoreFactoryTest, TheWalLimitFlagParsesAndRefusesNegativeSizes) {
  {
    CLI::App app;
    ServerConfig config;
    AddServeFlags(app, config);
    app.parse("--sqlite-wal-limit-mib 64", false);
    EXPECT_EQ(config.sqlite_wal_limit_mib, 64);
  }
  CLI::App app;
  ServerConfig config;
  AddServeFlags(app, config);
  EXPECT_THROW(app.parse("--sqlite-wal-limit-mib -1", false), CLI::ValidationError);
}

// Checkpoints the writer ran to start the WAL over, after a second of sustained writes to the
// default SQLite store of a data dir opened with `wal_limit_mib`.
int64_t WriterCheckpoints(int wal_limit_mib) {
  store::sqlite::TempDir dir;
  ServerConfig config;
  config.data_dir = dir.File("data");
  config.sqlite_wal_limit_mib = wal_limit_mib;
  auto opened = OpenStore(config);
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  if (!opened.ok()) return -1;
  auto* sqlite = dynamic_cast<store::sqlite::SqliteStore*>(opened->get());
  EXPECT_NE(sqlite, nullptr);
  if (sqlite == nullptr) return -1;
  store::sqlite::SustainedWriter writer(*sqlite, config.data_dir + "/chimed.db");
  (void)writer.Run(std::chrono::milliseconds(1200), 64);
  EXPECT_TRUE(writer.failure().ok()) << writer.failure().ToString();
  const int64_t checkpoints = sqlite->stats().rewind_checkpoints;
  sqlite->Close();
  return checkpoints;
}

TEST(StoreFactoryTest, TheWalLimitFlagReachesTheSqliteStore) {
  // About 8 KiB of WAL per write, tens of MiB in a second: far past 1 MiB, far below 512.
  EXPECT_GT(WriterCheckpoints(1), 0);
  EXPECT_EQ(WriterCheckpoints(512), 0);
}

}  // namespace
}  // namespace chime::server
