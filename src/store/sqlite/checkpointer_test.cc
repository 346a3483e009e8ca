// The background checkpointer hurries while the WAL is large (checkpointer.h), so that the
// writer, starting the WAL over, finds only a short tail to copy: measured, without hurrying a
// rewind stalled writes for up to 240 ms.
#include "store/sqlite/checkpointer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/test_temp_dir.h"

namespace chime::store::sqlite {
namespace {

// Rounds the checkpointer ran in 1.5 s of non-stop writes, with `interval` 500 ms.
int64_t RoundsUnderSustainedWrites(const std::string& path, int64_t hurry_bytes) {
  auto writer = Connection::Open(path, 5000);
  EXPECT_TRUE(writer.ok());
  if (!writer.ok()) return -1;
  EXPECT_TRUE((*writer)->Exec("PRAGMA wal_autocheckpoint = 0", "test.autocheckpoint").ok());
  auto conn = Connection::Open(path, 5000);
  EXPECT_TRUE(conn.ok());
  if (!conn.ok()) return -1;
  auto page_size = (*writer)->QueryText("PRAGMA page_size", "test.page_size");
  EXPECT_TRUE(page_size.ok());
  if (!page_size.ok()) return -1;
  Checkpointer checkpointer(std::move(*conn), std::chrono::milliseconds(500), hurry_bytes,
                            std::stoll(*page_size));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
  while (std::chrono::steady_clock::now() < deadline) {
    // Random content: every insert adds frames to the WAL.
    EXPECT_TRUE((*writer)
                    ->Exec("INSERT INTO documents(kind, key, json) VALUES "
                           "('bulk', hex(randomblob(16)), hex(randomblob(2000)))",
                           "test.insert")
                    .ok());
  }
  const int64_t rounds = checkpointer.checkpoints();
  checkpointer.Stop();
  return rounds;
}

TEST(CheckpointerTest, HurriesOnlyWhileTheWalHoldsMoreThanHurryBytes) {
  TempDir dir;
  const std::string path = dir.File("chimed.db");
  {
    auto created = SqliteStore::Open(path, SqliteStore::Options());  // schema, WAL mode
    ASSERT_TRUE(created.ok()) << created.status().ToString();
  }
  // Far above what 1.5 s of writes make: every 500 ms, so 3 rounds at most.
  EXPECT_LE(RoundsUnderSustainedWrites(path, int64_t{1} << 40), 3);
  // 16 KiB: exceeded after every round, so rounds follow 5 ms apart after the first.
  EXPECT_GE(RoundsUnderSustainedWrites(path, 16 << 10), 20);
}

}  // namespace
}  // namespace chime::store::sqlite
