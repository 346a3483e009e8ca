// The WAL stays bounded under writes that never pause (wal_rewinder.h), no write is lost on the
// way, and a reader that pins an old snapshot costs a few retries, not a checkpoint per batch.
#include "store/sqlite/wal_rewinder.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/test_sustained_writer.h"
#include "store/sqlite/test_temp_dir.h"
#include "store/sqlite/wal_zero_filler.h"

namespace chime::store::sqlite {
namespace {

SqliteStore::Options BoundedOptions(int64_t limit_bytes) {
  SqliteStore::Options o;
  o.checkpoint_interval_ms = 10;
  o.wal_limit_bytes = limit_bytes;
  return o;
}

TEST(WalRewinderTest, WalStaysBoundedUnderSustainedWritesAndReadsAndLosesNothing) {
  TempDir dir;
  const std::string path = dir.File("chimed.db");
  constexpr int64_t kLimit = 256 << 10;
  std::map<std::string, std::string> expected;
  {
    auto opened = SqliteStore::Open(path, BoundedOptions(kLimit));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    SqliteStore& store = **opened;
    // Readers take snapshots all the time, as the I/O threads' key lookups do.
    std::atomic<bool> done{false};
    std::thread reader([&] {
      while (!done.load()) {
        (void)store.Read([](Tx& tx) { return tx.GetDocument("bulk", "0").status(); });
      }
    });
    SustainedWriter writer(store, path);
    const int written = writer.Run(std::chrono::milliseconds(2000), 64);
    done = true;
    reader.join();
    ASSERT_TRUE(writer.failure().ok()) << writer.failure().ToString();
    const SqliteStoreStats stats = store.stats();
    // Unbounded, the WAL would hold every write: make sure there were many limits' worth.
    ASSERT_GT(static_cast<int64_t>(written) * static_cast<int64_t>(SustainedWriter::kDocBytes),
              16 * kLimit)
        << "too few writes to tell (a very slow machine)";
    EXPECT_GT(stats.wal_rewinds, 0) << stats.rewind_checkpoints << " writer checkpoints";
    // The limit, plus what batches add between the check and the rewind, plus the file's slack,
    // plus the zeros kept past the log (wal_zero_filler.h).
    EXPECT_LT(writer.largest_wal(),
              (uintmax_t{8} << 20) + uintmax_t(WalZeroFillerOptions().max_lead_bytes))
        << written << " writes";
    expected = writer.last();
    store.Close();
  }
  auto reopened = SqliteStore::Open(path, BoundedOptions(kLimit));
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  for (const auto& [key, json] : expected) {
    Status st = (*reopened)->Read([&, key = key, json = json](Tx& tx) -> Status {
      auto got = tx.GetDocument("bulk", key);
      if (!got.ok()) return got.status();
      EXPECT_EQ(got->value_or("(missing)"), json) << key;
      return OkStatus();
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
}

// A reader holding one snapshot for a long time keeps every checkpoint short of the WAL's end;
// the writer must back off instead of checkpointing (and fsyncing) after every batch.
TEST(WalRewinderTest, ALongReaderCostsFewCheckpointsAndTheWalRewindsOnceItEnds) {
  TempDir dir;
  const std::string path = dir.File("chimed.db");
  auto opened = SqliteStore::Open(path, BoundedOptions(64 << 10));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  SqliteStore& store = **opened;
  ASSERT_TRUE(store.WriteAndWait([](Tx& tx) { return tx.PutDocument("bulk", "0", "\"x\""); }).ok());

  std::promise<void> release;
  std::promise<void> holding;
  std::thread reader([&] {
    (void)store.Read([&](Tx& tx) {
      Status st = tx.GetDocument("bulk", "0").status();  // takes the snapshot
      holding.set_value();
      release.get_future().wait();
      return st;
    });
  });
  holding.get_future().wait();
  SustainedWriter writer(store, path);
  // At least a second and 100 batches, however slow the machine (a sanitized build on a busy
  // host commits fewer than 30 batches a second): the attempts depend on time, the batches on
  // speed, and the claim is about their ratio.
  const auto began = std::chrono::steady_clock::now();
  do {
    (void)writer.Run(std::chrono::milliseconds(250), 64);
  } while ((store.stats().commits < 100 ||
            std::chrono::steady_clock::now() - began < std::chrono::seconds(1)) &&
           std::chrono::steady_clock::now() - began < std::chrono::seconds(30));
  const auto seconds =
      std::chrono::ceil<std::chrono::seconds>(std::chrono::steady_clock::now() - began).count();
  ASSERT_TRUE(writer.failure().ok()) << writer.failure().ToString();
  const SqliteStoreStats pinned = store.stats();
  EXPECT_EQ(pinned.wal_rewinds, 0) << "the WAL started over under a reader that needs it";
  // Back-off doubling from 1 ms to 1 s: about a dozen attempts in the first second, then one a
  // second; never one per batch.
  EXPECT_LE(pinned.rewind_checkpoints, 20 + seconds)
      << pinned.commits << " batches in " << seconds << " s";
  EXPECT_GT(pinned.commits, 3 * pinned.rewind_checkpoints) << seconds << " s";

  release.set_value();
  reader.join();
  // Once the reader is gone the next attempts succeed (the back-off is at most 1 s).
  (void)writer.Run(std::chrono::milliseconds(2500), 64);
  ASSERT_TRUE(writer.failure().ok()) << writer.failure().ToString();
  EXPECT_GT(store.stats().wal_rewinds, 0);
}

}  // namespace
}  // namespace chime::store::sqlite
