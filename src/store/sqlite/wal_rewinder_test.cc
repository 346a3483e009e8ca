// The WAL stays bounded under writes that never pause (wal_rewinder.h), no write is lost on the
// way, and a reader that pins an old snapshot costs a few retries, not a checkpoint per batch.
#include "store/sqlite/wal_rewinder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/test_temp_dir.h"

namespace chime::store::sqlite {
namespace {

constexpr int kKeys = 500;
constexpr size_t kDocBytes = 8000;

// Keeps `in_flight` writes queued at all times, so that batches follow each other without a
// pause (the case where SQLite on its own never starts the WAL over), for `duration`. Returns
// the number of writes; each key's last value is left in *last.
class SustainedWriter {
 public:
  SustainedWriter(SqliteStore& store, std::string path) : store_(store), path_(std::move(path)) {}

  int Run(std::chrono::milliseconds duration, int in_flight_max) {
    const auto deadline = std::chrono::steady_clock::now() + duration;
    int written = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return in_flight_ < in_flight_max; });
        ++in_flight_;
      }
      const std::string key = std::to_string(written % kKeys);
      // The value names the write, so a lost or reordered one shows in the final check. Every
      // byte differs from the key's previous value: SQLite skips rewriting overflow pages whose
      // content did not change, and each write should add all its pages to the WAL.
      std::string json = "\"" + std::to_string(written) +
                         std::string(kDocBytes, static_cast<char>('a' + written % 26)) + "\"";
      last_[key] = json;
      store_.Write([key, json](Tx& tx) { return tx.PutDocument("bulk", key, json); },
                   [this](Status st) {
                     std::lock_guard lock(mu_);
                     if (!st.ok() && failure_.ok()) failure_ = st;
                     --in_flight_;
                     cv_.notify_one();
                   });
      ++written;
      std::error_code ec;
      uintmax_t wal = std::filesystem::file_size(path_ + "-wal", ec);
      if (!ec) largest_wal_ = std::max(largest_wal_, wal);
    }
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return in_flight_ == 0; });
    return written;
  }

  Status failure() {
    std::lock_guard lock(mu_);
    return failure_;
  }
  uintmax_t largest_wal() const { return largest_wal_; }
  const std::map<std::string, std::string>& last() const { return last_; }

 private:
  SqliteStore& store_;
  const std::string path_;
  std::mutex mu_;
  std::condition_variable cv_;
  int in_flight_ = 0;
  Status failure_;
  uintmax_t largest_wal_ = 0;
  std::map<std::string, std::string> last_;
};

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
    ASSERT_GT(static_cast<int64_t>(written) * static_cast<int64_t>(kDocBytes), 16 * kLimit)
        << "too few writes to tell (a very slow machine)";
    EXPECT_GT(stats.wal_rewinds, 0) << stats.rewind_checkpoints << " writer checkpoints";
    // The limit, plus what batches add between the check and the rewind, plus the file's slack.
    EXPECT_LT(writer.largest_wal(), uintmax_t{8} << 20) << written << " writes";
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
  (void)writer.Run(std::chrono::milliseconds(1000), 64);
  ASSERT_TRUE(writer.failure().ok()) << writer.failure().ToString();
  const SqliteStoreStats pinned = store.stats();
  EXPECT_EQ(pinned.wal_rewinds, 0) << "the WAL started over under a reader that needs it";
  // Back-off doubling from 1 ms to 1 s: about a dozen attempts in a second, never one per batch.
  EXPECT_LE(pinned.rewind_checkpoints, 20) << pinned.commits << " batches";
  EXPECT_GT(pinned.commits, 3 * pinned.rewind_checkpoints);

  release.set_value();
  reader.join();
  // Once the reader is gone the next attempts succeed (the back-off is at most 1 s).
  (void)writer.Run(std::chrono::milliseconds(2500), 64);
  ASSERT_TRUE(writer.failure().ok()) << writer.failure().ToString();
  EXPECT_GT(store.stats().wal_rewinds, 0);
}

}  // namespace
}  // namespace chime::store::sqlite
