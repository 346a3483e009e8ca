#include "store/sqlite/read_pool.h"

#include "store/sqlite/sqlite_error.h"

namespace chime::store::sqlite {

ReadPool::Lease::~Lease() {
  if (conn_ != nullptr) pool_->Return(std::move(conn_), discard_);
}

ReadPool::ReadPool(std::string path, int max_connections, int busy_timeout_ms)
    : path_(std::move(path)),
      max_connections_(max_connections < 1 ? 1 : max_connections),
      busy_timeout_ms_(busy_timeout_ms) {}

StatusOr<ReadPool::Lease> ReadPool::Acquire() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return closed_ || !idle_.empty() || open_ < max_connections_; });
    if (closed_) return UnavailableError();
    if (!idle_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
    ++open_;  // reserve the slot, then open without holding the lock
  }
  auto opened = Connection::Open(path_, busy_timeout_ms_);
  Status s = opened.ok() ? opened.value()->Exec("PRAGMA query_only = ON", "read_pool.open")
                         : opened.status();
  if (!s.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    --open_;
    cv_.notify_all();
    return s;
  }
  return Lease(this, std::move(opened).value());
}

void ReadPool::Return(std::unique_ptr<Connection> conn, bool discard) {
  std::unique_ptr<Connection> to_close;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (discard || closed_) {
      to_close = std::move(conn);
      --open_;
    } else {
      idle_.push_back(std::move(conn));
    }
  }
  cv_.notify_all();
  // to_close is closed here, outside the lock.
}

void ReadPool::Close() {
  std::vector<std::unique_ptr<Connection>> to_close;
  std::unique_lock<std::mutex> lock(mu_);
  closed_ = true;
  cv_.notify_all();
  open_ -= static_cast<int>(idle_.size());
  to_close.swap(idle_);
  // Leases still out come back through Return(), which closes them now that closed_ is set.
  cv_.wait(lock, [&] { return open_ == 0; });
}

int ReadPool::open_connections() const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_;
}

}  // namespace chime::store::sqlite
