// SqliteStore: the embedded, default Store. One database file in WAL mode; reads on the
// callers' threads from a bounded pool of read connections, writes group-committed by a single
// writer thread (see group_commit_writer.h); synchronous=FULL, so a done(OkStatus()) means the
// change survives power loss.
//
//   ASSIGN_OR_RETURN(auto store, SqliteStore::Open("/var/lib/chimed/chimed.db", {}));
//   Status s = store->Read([&](Tx& tx) { ... });
//   store->Write([](Tx& tx) { return tx.InsertAccount(a); }, [](Status s) { /* post */ });
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"
#include "store/store.h"

namespace chime::store::sqlite {

class Checkpointer;
class GroupCommitWriter;
class ReadPool;

struct SqliteStoreOptions {
  // How long a statement waits for a lock another process holds (chimectl on the same file).
  int busy_timeout_ms = 5000;
  // Read connections open at most at once; further readers wait for one to come back.
  int max_read_connections = 8;
  // Write functions per transaction at most.
  size_t max_batch = 512;
  // > 0: a background thread checkpoints the WAL this often and commits never do.
  // 0: no thread; SQLite checkpoints inside the commit that crosses 1000 WAL pages.
  int checkpoint_interval_ms = 1000;
  // With the background checkpointer: once the WAL holds more than this, the writer starts it
  // over between two batches (wal_rewinder.h), and a WAL file that grew past it is truncated
  // back to it (journal_size_limit). Bounds the WAL's disk use, and the wal-index every
  // connection maps, under writes that never pause. 0: unbounded.
  // Each rewind waits for one fsync of the database file, which under sustained resets took
  // 3-200 ms (random 1 KiB pages of a growing retired-PIN index). Measured over a million resets
  // at c32: with 64 MiB (a rewind every 1.4 s) reset p99 was 95-175 ms; with 512 MiB (one
  // every ~12 s) and the checkpointer hurrying near it (checkpointer.h), p99 12-14 ms and max
  // 42-50 ms, against 10-13 ms and 46-84 ms unbounded, and RSS stayed at 24 MiB (the wal-index
  // of 512 MiB of 1 KiB pages is 4 MiB). bench/RESULTS.md has the whole comparison.
  int64_t wal_limit_bytes = int64_t{512} << 20;
  // > 0: the database may not grow beyond this many pages (PRAGMA max_page_count); writes that
  // would grow it fail with kUnavailable, as on a full disk. 0: SQLite's own limit.
  int64_t max_page_count = 0;
  // Page size in bytes (a power of two, 512..65536) of a database file this Open creates. An
  // existing database keeps the size it was created with: SQLite fixes it at the first table.
  // 1 KiB: a reset dirties about six pages at random places in the users table and the PIN,
  // retired-PIN and audit indexes, each written whole to the WAL and again by the checkpoint;
  // measured against 4 KiB, 1 KiB pages write 2.1x fewer bytes per reset with 1,000 users and
  // 2.8x fewer with 1,000,000, for 1-2% more instructions (deeper trees), and keep resets at
  // 1M users at about 0.85x the 1k-user rate where 4 KiB pages gave about 0.75x.
  int new_database_page_size = 1024;
  // A write batch (BEGIN to the end of its COMMIT's fsync), or a WAL checkpoint the writer runs
  // between batches, that takes longer than this is logged as a warning (at most one line per
  // kind every 10 s, counting the others): what an operator matches with a latency spike. 100:
  // the worst latency the benchmark allows a reset; a batch this slow is felt by every request
  // in it.
  int slow_write_warning_ms = 100;
  // The write connection gathers each commit's WAL frames into one write (wal_write_buffer.h)
  // instead of two system calls per frame. false: SQLite's default VFS, as readers use.
  bool buffer_wal_writes = true;
};

struct SqliteStoreStats {
  int64_t writes = 0;              // write functions run
  int64_t commits = 0;             // successful batch commits (each is one fsync of the WAL)
  int64_t failed_batches = 0;      // batches that did not commit
  int64_t largest_batch = 0;       // most functions in one batch so far
  int64_t checkpoints = 0;         // background WAL checkpoints run
  int64_t wal_rewinds = 0;         // times the WAL started over (after a pause, or by the writer)
  int64_t rewind_checkpoints = 0;  // checkpoints the writer ran past wal_limit_bytes
  int read_connections = 0;        // read connections open now
};

class SqliteStore final : public Store {
 public:
  using Options = SqliteStoreOptions;

  // Opens (creating, with mode 0600, if absent) the database at `path` and brings its schema up
  // to date. Errors: kInvalidArgument for an empty path; kUnavailable when the file cannot be
  // created or opened or is locked; kInternal when the schema is newer than this binary knows
  // or a migration fails. Details go to the log.
  static StatusOr<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                     const Options& options = Options());

  // Closes the store (see Close()).
  ~SqliteStore() override;

  // See Store. After Close(), Read returns kUnavailable.
  Status Read(const TxFn& fn) override;
  // See Store. After Close(), `done(kUnavailable)` is called on the calling thread.
  void Write(TxFn fn, DoneFn done) override;
  // Refuses new writes, commits everything queued, waits for readers in flight, stops the
  // threads and closes every connection. Idempotent, thread-safe; never call it from `done`.
  void Close() override;
  // See Store. The scope leases a read connection at its first Read and gives it back when it
  // ends; Close() waits for it like for any reader.
  std::unique_ptr<SharedReads> ShareReads() override;

  // Counters for tests and metrics. Thread-safe.
  SqliteStoreStats stats() const;

 private:
  SqliteStore(std::unique_ptr<GroupCommitWriter> writer, std::unique_ptr<ReadPool> readers,
              std::unique_ptr<Checkpointer> checkpointer);

  std::unique_ptr<GroupCommitWriter> writer_;
  std::unique_ptr<ReadPool> readers_;
  std::unique_ptr<Checkpointer> checkpointer_;  // null when checkpoint_interval_ms is 0
  std::mutex close_mu_;
};

}  // namespace chime::store::sqlite
