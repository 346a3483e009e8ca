// PgStore: the Store on PostgreSQL, for deployments that outgrow one machine: several chimed
// instances share one database, and the database fails over (Patroni, or a multi-host URL and
// target_session_attrs=read-write). Reads run on the callers' threads in REPEATABLE READ
// snapshots from a bounded connection pool (an access key's read in one statement without a
// transaction); writes are group-committed in SERIALIZABLE transactions by writer threads
// (pg_writer.h; the PIN resets of a batch in one statement, READ COMMITTED when they are the
// whole batch), retried on serialization failures and lost connections, with interrupted
// COMMITs resolved before anyone is answered. Resets called on an I/O thread are sent and
// answered by that thread (pg_reset_loop.h), with the writer threads behind it.
//
//   ASSIGN_OR_RETURN(auto store, PgStore::Open("postgresql://chimed@db1,db2/chimed", {}));
//   Status s = store->Read([&](Tx& tx) { ... });
//   store->Write([](Tx& tx) { return tx.InsertAccount(a); }, [](Status s) { /* post */ });
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.h"
#include "store/postgres/pg_reset_loop.h"
#include "store/postgres/pg_writer.h"
#include "store/store.h"

namespace chime::store::postgres {

class PgPool;

struct PgStoreOptions {
  // Per chimed instance. The total adds writer.threads, and as many for each I/O thread's
  // reset loop (io_thread_resets).
  int max_read_connections = 8;
  int connect_timeout_s = 5;  // per host of the URL
  PgWriterOptions writer;
  // Resets called on an I/O thread's event loop are sent from that thread (pg_reset_loop.h),
  // over writer.threads connections of its own; off, or on any other thread, they go to the
  // writer threads. Only with writer.pipelined_resets.
  bool io_thread_resets = true;
};

struct PgStoreStats {
  PgWriterStats writer;
  PgResetLoopStats loops;    // summed over the I/O threads' reset loops
  int read_connections = 0;  // read connections open now
};

class PgStore final : public Store {
 public:
  using Options = PgStoreOptions;

  // Connects to `url` (a libpq URI, possibly naming several hosts) and brings the schema up to
  // date, safely when several instances start at once. Errors: kInvalidArgument for an empty
  // URL; kUnavailable when no read-write server answers; kInternal when the schema is newer
  // than this binary knows or a migration fails. Details go to the log, the password never.
  static StatusOr<std::unique_ptr<PgStore>> Open(const std::string& url,
                                                 const Options& options = Options());

  ~PgStore() override;

  // See Store. kUnavailable while no read-write server is reachable, or after Close().
  Status Read(const TxFn& fn) override;
  // See Store. `fn` may run more than once (a retried transaction); only one run commits.
  void Write(TxFn fn, DoneFn done) override;
  // See Store. Resets queued together run as one statement: sent by the calling thread's event
  // loop when it has one (PgResetLoop), else by the writer threads (PgWriter::SubmitReset).
  void ResetPin(PinResetAudit audit, std::optional<AccessKeyCheck> key, RandomSource& random,
                UserDoneFn done) override;
  // See Store. One statement outside any transaction: one round trip, and no BEGIN or COMMIT
  // for PostgreSQL to run.
  StatusOr<std::optional<AccessKeyRecord>> ReadAccessKey(const std::string& access_key_id) override;
  // Refuses new writes, commits everything queued, waits for readers, closes every connection.
  // Idempotent, thread-safe; never call it from `done`, nor while an event loop that reset
  // through this store is running, nor after one has been destroyed.
  void Close() override;

  PgStoreStats stats() const;

 private:
  PgStore(std::unique_ptr<PgWriter> writer, std::unique_ptr<PgPool> readers,
          const Options& options);
  // The calling thread's reset loop; null when it runs no event loop, or resets do not use one.
  PgResetLoop* LoopForThisThread();
  // The reset loops' statistics, summed; loops_mu_ held.
  PgResetLoopStats LoopStatsLocked() const;
  // Read, in a transaction begun by `begin`; with an empty `begin`, `fn` runs one statement by
  // itself (DeferredBegin).
  Status RunRead(const TxFn& fn, std::string_view begin);

  std::unique_ptr<PgWriter> writer_;
  std::unique_ptr<PgPool> readers_;
  const bool io_thread_resets_;
  const PgWriterOptions writer_options_;  // for the reset loops
  mutable std::mutex loops_mu_;
  bool closed_ = false;  // under loops_mu_
  // By EventLoop::id(). shared_ptr: their callbacks hold weak_ptrs.
  std::unordered_map<uint64_t, std::shared_ptr<PgResetLoop>> loops_;
  std::mutex close_mu_;
};

// True when `url` names a PostgreSQL store ("postgres://..." or "postgresql://...").
bool IsPostgresUrl(const std::string& url);

}  // namespace chime::store::postgres
