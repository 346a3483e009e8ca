// Keeps the WAL bounded while writes never pause, without stalling them.
//
// SQLite starts writing the WAL from its beginning again only when a write transaction begins
// after a checkpoint has copied every frame into the database file. The background checkpointer
// (checkpointer.h) runs PASSIVE checkpoints concurrently with the writer, so under sustained
// writes the writer has always appended more by the time a checkpoint finishes: the WAL, and the
// wal-index every connection maps, grow without bound (a million resets: 96.5 MiB RSS).
//
// A RESTART checkpoint bounds it but holds the writer off while it copies and fsyncs, which
// measured up to 370 ms. Instead, once the WAL holds more than the limit, the writer thread
// itself runs a PASSIVE checkpoint between two batches: the background thread, which hurries
// near the limit, has already copied nearly everything, so this copies only the short tail (and
// waits for one fsync of the database file), and the next batch, beginning with every frame
// copied, starts the WAL over. A reader still on an older snapshot can make the attempt fall
// short (SQLite never waits for readers in PASSIVE mode); it is retried after a back-off, so a
// long-lived reader costs a few extra checkpoints rather than one per batch.
#pragma once

#include <chrono>
#include <cstdint>

#include "store/sqlite/connection.h"

namespace chime::store::sqlite {

class WalRewinder {
 public:
  // Installs the WAL hook on `writer` (the write connection; it replaces SQLite's
  // auto-checkpoint, which the store has turned off). `limit_bytes` > 0.
  WalRewinder(Connection& writer, int64_t limit_bytes, int64_t page_size);
  ~WalRewinder();
  WalRewinder(const WalRewinder&) = delete;
  WalRewinder& operator=(const WalRewinder&) = delete;

  // The writer thread calls this after each batch, once every `done` of it has run.
  void AfterBatch();

  // Writer thread only.
  int64_t rewinds() const { return rewinds_; }    // times the WAL started over
  int64_t attempts() const { return attempts_; }  // checkpoints run by the writer

 private:
  static int OnCommit(void* self, sqlite3* db, const char* schema, int frames);

  Connection& writer_;
  const int64_t limit_frames_;
  // Set by the WAL hook, which SQLite calls on the writer thread inside COMMIT.
  int64_t frames_ = 0;
  std::chrono::steady_clock::time_point next_attempt_{};
  std::chrono::milliseconds backoff_{0};
  int64_t copied_ = 0;  // frames the last attempt found copied, in this WAL's generation
  int64_t rewinds_ = 0;
  int64_t attempts_ = 0;
};

}  // namespace chime::store::sqlite
