#include "store/sqlite/checkpointer.h"

#include <sqlite3.h>

#include "common/log.h"

namespace chime::store::sqlite {

Checkpointer::Checkpointer(std::unique_ptr<Connection> conn, std::chrono::milliseconds interval,
                           int64_t restart_bytes)
    : conn_(std::move(conn)), interval_(interval), restart_bytes_(restart_bytes) {
  thread_ = std::thread([this] { Loop(); });
}

void Checkpointer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
  conn_.reset();
}

void Checkpointer::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (cv_.wait_for(lock, interval_, [&] { return stopping_; })) return;
    lock.unlock();
    CheckpointOnce();
    lock.lock();
  }
}

void Checkpointer::CheckpointOnce() {
  // A failure (SQLITE_BUSY: chimectl or a backup holds a lock) is simply retried next round: a
  // checkpoint is housekeeping, and the last connection to close checkpoints everything anyway.
  if (page_size_ == 0) {
    // A connection learns that the database is in WAL mode only when it first reads it; until
    // then sqlite3_wal_checkpoint_v2 does nothing. The page size is fixed for the database's
    // life, so it is read once, here.
    if (!conn_->QueryText("SELECT count(*) FROM sqlite_schema", "checkpointer.open").ok()) return;
    auto text = conn_->QueryText("PRAGMA main.page_size", "checkpointer.page_size");
    if (!text.ok()) return;
    page_size_ = std::stoll(*text);
  }
  // wal_frames: frames in the WAL (-1 when the connection has not seen it yet), copied: of them
  // in the database file.
  int wal_frames = 0, copied = 0;
  int rc = sqlite3_wal_checkpoint_v2(conn_->raw(), "main", SQLITE_CHECKPOINT_PASSIVE,
                                     &wal_frames, &copied);
  if (rc != SQLITE_OK) return;
  checkpoints_.fetch_add(1);
  if (restart_bytes_ <= 0 || wal_frames <= 0) return;
  if (static_cast<int64_t>(wal_frames) * page_size_ <= restart_bytes_) return;
  rc = sqlite3_wal_checkpoint_v2(conn_->raw(), "main", SQLITE_CHECKPOINT_RESTART, &wal_frames,
                                 &copied);
  if (rc == SQLITE_OK) {
    restarts_.fetch_add(1);
  } else if (rc != SQLITE_BUSY) {
    LOG_WARN("WAL restart checkpoint failed: " << sqlite3_errstr(rc));
  }
}

}  // namespace chime::store::sqlite
