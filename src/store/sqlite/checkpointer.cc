#include "store/sqlite/checkpointer.h"

namespace chime::store::sqlite {

Checkpointer::Checkpointer(std::unique_ptr<Connection> conn, std::chrono::milliseconds interval)
    : conn_(std::move(conn)), interval_(interval) {
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
    // A failure is logged by the connection and simply retried next round: a checkpoint is
    // housekeeping, and the last connection to close checkpoints everything anyway.
    if (conn_->Exec("PRAGMA wal_checkpoint(PASSIVE)", "checkpointer.checkpoint").ok()) {
      checkpoints_.fetch_add(1);
    }
    lock.lock();
  }
}

}  // namespace chime::store::sqlite
