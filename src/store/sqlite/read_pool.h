// A bounded pool of read connections. Readers run on their callers' threads, each on a
// connection of its own (a SQLite connection is single-threaded); the pool opens connections
// lazily up to a cap and makes callers wait beyond it, so a burst of requests cannot exhaust
// file descriptors or memory.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/sqlite/connection.h"

namespace chime::store::sqlite {

class ReadPool {
 public:
  // Returns its connection to the pool when destroyed (or closes it, if discarded).
  class Lease {
   public:
    Lease(ReadPool* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();

    Connection& operator*() const { return *conn_; }
    Connection* operator->() const { return conn_.get(); }
    // The connection is in an unknown state: close it instead of reusing it.
    void Discard() { discard_ = true; }

   private:
    ReadPool* pool_;
    std::unique_ptr<Connection> conn_;
    bool discard_ = false;
  };

  ReadPool(std::string path, int max_connections, int busy_timeout_ms);
  ~ReadPool() { Close(); }

  // An idle connection, a new one if fewer than the cap are open, or waits for one.
  // kUnavailable after Close() or when a connection cannot be opened. Thread-safe.
  StatusOr<Lease> Acquire();

  // Refuses new leases, waits until every lease has come back, closes all connections.
  // Idempotent. Thread-safe.
  void Close();

  // Connections open now (idle or leased).
  int open_connections() const;

 private:
  void Return(std::unique_ptr<Connection> conn, bool discard);

  const std::string path_;
  const int max_connections_;
  const int busy_timeout_ms_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;  // idle + leased + being opened
  bool closed_ = false;
};

}  // namespace chime::store::sqlite
