// Moves committed pages from the WAL into the database file off the commit path. With
// SQLite's default auto-checkpoint, the COMMIT that crosses the threshold does the copying
// (and its fsync) itself, so one unlucky batch of writes waits much longer than the rest.
// The writer turns auto-checkpoint off and this thread runs PASSIVE checkpoints periodically on
// its own connection; PASSIVE never blocks readers or the writer.
//
// PASSIVE alone never lets the WAL start over while writes keep coming: SQLite rewinds the WAL
// only when a checkpoint has copied every frame, and by the time one finishes the writer has
// appended more. Under sustained load the WAL then grows without bound (measured: 554 MB in 12 s
// at c32), and so does the wal-index every connection maps (RSS). So when a PASSIVE round leaves
// more than `restart_bytes` of WAL, a RESTART checkpoint follows: it holds off the writer only
// while it copies the few frames PASSIVE left, and the next commit writes from the WAL's start.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "store/sqlite/connection.h"

namespace chime::store::sqlite {

class Checkpointer {
 public:
  // Starts the thread; it checkpoints every `interval`, and restarts the WAL once it holds more
  // than `restart_bytes` (0: never).
  Checkpointer(std::unique_ptr<Connection> conn, std::chrono::milliseconds interval,
               int64_t restart_bytes);
  ~Checkpointer() { Stop(); }
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Stops and joins the thread, closes the connection. Idempotent; not thread-safe with itself.
  void Stop();

  int64_t checkpoints() const { return checkpoints_.load(); }
  int64_t restarts() const { return restarts_.load(); }

 private:
  void Loop();
  void CheckpointOnce();

  std::unique_ptr<Connection> conn_;
  const std::chrono::milliseconds interval_;
  const int64_t restart_bytes_;
  int64_t page_size_ = 0;  // thread_ only
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::atomic<int64_t> checkpoints_{0};
  std::atomic<int64_t> restarts_{0};
  std::thread thread_;  // last: starts after every other member is initialized
};

}  // namespace chime::store::sqlite
