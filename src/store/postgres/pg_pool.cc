#include "store/postgres/pg_pool.h"

namespace chime::store::postgres {

PgPool::Lease::~Lease() {
  if (conn_ != nullptr) pool_->Return(std::move(conn_), discard_);
}

PgPool::PgPool(ConnectSettings settings, int max_connections)
    : settings_(std::move(settings)), max_connections_(max_connections < 1 ? 1 : max_connections) {}

StatusOr<PgPool::Lease> PgPool::Acquire() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return closed_ || !idle_.empty() || open_ < max_connections_; });
    if (closed_) return UnavailableError();
    if (!idle_.empty()) {
      std::unique_ptr<PgConnection> conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
    ++open_;  // reserve the slot, then connect without holding the lock
  }
  auto opened = PgConnection::Connect(settings_);
  if (!opened.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    --open_;
    cv_.notify_all();
    return opened.status();
  }
  return Lease(this, std::move(opened).value());
}

void PgPool::Return(std::unique_ptr<PgConnection> conn, bool discard) {
  std::unique_ptr<PgConnection> to_close;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (discard || closed_ || conn->broken()) {
      to_close = std::move(conn);
      --open_;
    } else {
      idle_.push_back(std::move(conn));
    }
  }
  cv_.notify_all();
  // to_close is closed here, outside the lock.
}

void PgPool::Close() {
  std::vector<std::unique_ptr<PgConnection>> to_close;
  std::unique_lock<std::mutex> lock(mu_);
  closed_ = true;
  cv_.notify_all();
  open_ -= static_cast<int>(idle_.size());
  to_close.swap(idle_);
  // Leases still out come back through Return(), which closes them now that closed_ is set.
  cv_.wait(lock, [&] { return open_ == 0; });
}

int PgPool::open_connections() const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_;
}

}  // namespace chime::store::postgres
