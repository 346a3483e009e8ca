// Moves committed pages from the WAL into the database file off the commit path. With
// SQLite's default auto-checkpoint, the COMMIT that crosses the threshold does the copying
// (and its fsync) itself, so one unlucky batch of writes waits much longer than the rest.
// The writer turns auto-checkpoint off and this thread runs PASSIVE checkpoints periodically on
// its own connection; PASSIVE never blocks readers or the writer.
//
// While the WAL holds more than `hurry_bytes` the rounds follow each other with only a short
// gap: the writer is about to start the WAL over (wal_rewinder.h), which needs every frame
// copied, and whatever this thread has not copied by then the writer copies itself.
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
  // Starts the thread; it checkpoints every `interval`, and more often while the WAL holds more
  // than `hurry_bytes` (0: never) of pages of `page_size` bytes.
  Checkpointer(std::unique_ptr<Connection> conn, std::chrono::milliseconds interval,
               int64_t hurry_bytes, int64_t page_size);
  ~Checkpointer() { Stop(); }
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Stops and joins the thread, closes the connection. Idempotent; not thread-safe with itself.
  void Stop();

  int64_t checkpoints() const { return checkpoints_.load(); }

 private:
  void Loop();
  // One PASSIVE round; true when the WAL it left holds more than hurry_bytes_.
  bool CheckpointOnce();

  std::unique_ptr<Connection> conn_;
  const std::chrono::milliseconds interval_;
  const int64_t hurry_bytes_;
  const int64_t page_size_;
  bool has_read_ = false;  // thread_ only
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::atomic<int64_t> checkpoints_{0};
  std::thread thread_;  // last: starts after every other member is initialized
};

}  // namespace chime::store::sqlite
