// The single writer of the SQLite store. SQLite allows one writer at a time anyway, so one
// thread owns the write connection and drains a queue: it runs every queued function in one
// transaction, each inside its own savepoint, and commits once, so a burst of N writes costs
// one fsync instead of N. Only after that commit does any `done` learn of success.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/slow_warning.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/wal_rewinder.h"
#include "store/store.h"

namespace chime::store::sqlite {

struct WriterStats {
  int64_t writes = 0;          // functions run
  int64_t commits = 0;         // successful COMMITs, one per batch
  int64_t failed_batches = 0;  // batches that could not begin or commit, or were aborted
  int64_t largest_batch = 0;
  int64_t wal_rewinds = 0;         // times the WAL started over (wal_rewinder.h)
  int64_t rewind_checkpoints = 0;  // checkpoints the writer ran to get there
};

class GroupCommitWriter {
 public:
  // Takes the write connection (migrated, pragmas set). `max_batch` bounds a transaction so
  // that one huge burst does not delay every `done` behind it. `rewinder`, when not null, is
  // bound to `conn` and runs between batches. A batch (BEGIN to the end of its COMMIT's fsync)
  // or a checkpoint of the rewinder's that takes longer than `slow_warning` is logged as a
  // warning, at most one line per kind every 10 s. Starts the writer thread.
  GroupCommitWriter(std::unique_ptr<Connection> conn, size_t max_batch,
                    std::unique_ptr<WalRewinder> rewinder, std::chrono::milliseconds slow_warning);
  ~GroupCommitWriter() { Stop(); }
  GroupCommitWriter(const GroupCommitWriter&) = delete;
  GroupCommitWriter& operator=(const GroupCommitWriter&) = delete;

  // Queues a write. After Stop() began, calls done(kUnavailable) at once on the calling thread
  // without running fn. Thread-safe.
  void Submit(TxFn fn, DoneFn done);

  // Refuses new writes, runs everything already queued, joins the thread and closes the
  // connection. Idempotent. Must not be called from a `done` (that runs on the writer thread).
  void Stop();

  WriterStats stats() const;

 private:
  struct Item {
    TxFn fn;
    DoneFn done;
  };

  void Loop();
  void RunBatch(std::vector<Item>& batch);
  void WarnSlowBatch(size_t writes, SlowWarning::Clock::time_point commit_began,
                     SlowWarning::Clock::time_point ended, std::chrono::nanoseconds took);
  // Runs one function inside its own savepoint. Sets *aborted when SQLite no longer has the
  // batch transaction open, after which nothing in the batch can commit.
  Status RunOne(const TxFn& fn, bool* aborted);

  std::unique_ptr<Connection> conn_;       // used only by the writer thread once started
  std::unique_ptr<WalRewinder> rewinder_;  // on conn_; null when the WAL is not bounded
  const size_t max_batch_;
  SlowWarning slow_batch_;       // writer thread only
  SlowWarning slow_checkpoint_;  // writer thread only

  std::mutex stop_mu_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stopping_ = false;

  std::atomic<int64_t> writes_{0};
  std::atomic<int64_t> commits_{0};
  std::atomic<int64_t> failed_batches_{0};
  std::atomic<int64_t> largest_batch_{0};
  std::atomic<int64_t> wal_rewinds_{0};
  std::atomic<int64_t> rewind_checkpoints_{0};

  std::thread thread_;  // last: starts after every other member is initialized
};

}  // namespace chime::store::sqlite
