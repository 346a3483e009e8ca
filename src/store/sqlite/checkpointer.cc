#include "store/sqlite/checkpointer.h"

#include <sqlite3.h>

#include "common/thread_name.h"

namespace chime::store::sqlite {
namespace {

// The gap between rounds while the WAL is large: enough for the writer to get a batch in.
constexpr std::chrono::milliseconds kHurriedGap(5);

}  // namespace

Checkpointer::Checkpointer(std::unique_ptr<Connection> conn, std::chrono::milliseconds interval,
                           int64_t hurry_bytes, int64_t page_size)
    : conn_(std::move(conn)),
      interval_(interval),
      hurry_bytes_(hurry_bytes),
      page_size_(page_size) {
  thread_ = std::thread([this] {
    NameThisThread("chimed-ckpt");
    Loop();
  });
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
  bool hurry = false;
  for (;;) {
    if (cv_.wait_for(lock, hurry ? kHurriedGap : interval_, [&] { return stopping_; })) return;
    lock.unlock();
    hurry = CheckpointOnce();
    lock.lock();
  }
}

bool Checkpointer::CheckpointOnce() {
  // A failure (SQLITE_BUSY: the writer or chimectl holds the checkpoint lock) is simply retried
  // next round: a checkpoint is housekeeping, and the last connection to close checkpoints
  // everything anyway. Errors are logged by the connection.
  if (!has_read_) {
    // A connection learns that the database is in WAL mode only when it first reads it; until
    // then sqlite3_wal_checkpoint_v2 does nothing.
    if (!conn_->QueryText("SELECT count(*) FROM sqlite_schema", "checkpointer.open").ok()) {
      return false;
    }
    has_read_ = true;
  }
  // wal_frames: frames in the WAL; copied: of them, now in the database file.
  int wal_frames = 0, copied = 0;
  int rc = sqlite3_wal_checkpoint_v2(conn_->raw(), "main", SQLITE_CHECKPOINT_PASSIVE, &wal_frames,
                                     &copied);
  if (rc != SQLITE_OK) return false;
  checkpoints_.fetch_add(1);
  return hurry_bytes_ > 0 && static_cast<int64_t>(wal_frames) * page_size_ > hurry_bytes_;
}

}  // namespace chime::store::sqlite
