// A bounded pool of connections for reads. Readers run on their callers' threads, each on a
// connection of its own; the pool opens connections lazily up to a cap and makes callers wait
// beyond it, so a burst of requests cannot exhaust the server's max_connections. A connection
// that broke (server restart, failover) is discarded when it comes back, and the next Acquire
// opens a fresh one, wherever the read-write server now is.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "common/status.h"
#include "store/postgres/pg_connection.h"

namespace chime::store::postgres {

class PgPool {
 public:
  // Returns its connection to the pool when destroyed (or closes it, if broken or discarded).
  class Lease {
   public:
    Lease(PgPool* pool, std::unique_ptr<PgConnection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();

    PgConnection& operator*() const { return *conn_; }
    PgConnection* operator->() const { return conn_.get(); }
    // The connection is in an unknown state: close it instead of reusing it.
    void Discard() { discard_ = true; }

   private:
    PgPool* pool_;
    std::unique_ptr<PgConnection> conn_;
    bool discard_ = false;
  };

  PgPool(ConnectSettings settings, int max_connections);
  ~PgPool() { Close(); }

  // An idle connection, a new one if fewer than the cap are open, or waits for one.
  // kUnavailable after Close() or when no server can be reached. Thread-safe.
  StatusOr<Lease> Acquire();

  // Refuses new leases, waits until every lease has come back, closes all connections.
  // Idempotent. Thread-safe.
  void Close();

  int open_connections() const;

 private:
  void Return(std::unique_ptr<PgConnection> conn, bool discard);

  const ConnectSettings settings_;
  const int max_connections_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  int open_ = 0;  // idle + leased + being opened
  bool closed_ = false;
};

}  // namespace chime::store::postgres
