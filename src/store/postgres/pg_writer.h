// The write path of the PostgreSQL store: group commit with retries and unknown-commit
// resolution.
//
// Group commit, as in the SQLite writer: a writer thread drains the queue and runs every queued
// function in one SERIALIZABLE transaction (resets only: READ COMMITTED, below), each inside
// its own savepoint (a lone function needs none), and commits once, so a burst of N writes
// costs one commit and one WAL flush. SERIALIZABLE makes a write function behave exactly as
// under SQLite's single writer even with several chimed instances on one database; the price
// is that PostgreSQL may abort a transaction with 40001 (serialization failure) or 40P01
// (deadlock). Such a batch is retried, and after a failed batch every function runs in a
// transaction of its own, so one hot row cannot starve the rest.
//
// Round trips: the BEGIN, the commit marker and each savepoint release are not waited for on
// their own; they travel in one libpq pipeline with the next statement (a function's first
// statement, or the COMMIT). So a batch of b functions of one statement each costs b + 1 round
// trips. A refused statement sent ahead fails the transaction, never the function. Resets
// (SubmitReset) that follow each other in a batch run together as one function and one
// statement (PgTx::ResetPins). A batch of resets only goes further (pg_writer_resets.cc): its
// BEGIN, its statement and COMMIT travel in one pipeline, one round trip for b resets; what
// that statement could not do (a taken PIN, a refused reset, a user's second reset) runs in
// the next transaction. A transaction of resets only (such a batch, and what it leaves to the
// next transaction) runs READ COMMITTED: each statement locks the users it resets, and the
// database refuses a PIN issued before at any isolation level (issued_pins), so several
// writers' resets of the same users wait for each other's row locks instead of aborting each
// other as SERIALIZABLE transactions do (on the rows, and on a small table's index pages).
// Deadlocks between two such transactions' later statements are still possible, and retried.
//
// Resets called on an I/O thread are mostly sent by that thread itself (pg_reset_loop.h), in
// the same pipelined batches; the writer threads get what of them may block (SubmitInDoubt,
// SubmitConnect, and SubmitReset for the rest).
//
// Unknown commits: every write transaction inserts a random token into chimed_commit_markers.
// When the connection breaks after COMMIT was sent (a crash, a network failure, a failover), the
// writer reconnects, wherever the read-write server now is, and inserts the same token with
// ON CONFLICT DO NOTHING. If the original transaction is still in progress that insert waits
// for it; then a conflict means it committed (done(OK)), a fresh row means it did not (the
// functions are run again). So no 2xx for a write that did not commit and no 5xx for one that
// did. While no server answers, resolution keeps trying; only Close() bounds it (a grace period,
// then kUnavailable, logged as unresolved). The writes of that batch wait for it; the others,
// queued behind it, fail with kUnavailable once they have waited unavailable_wait_ms, as any
// write does that finds no server (FailStaleQueued). A pipelined batch of resets may lose the
// statement's answer with COMMIT's; its marker lists the resets it did, which are then read
// back (pg_pipelined_resets.h).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/slow_warning.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_pipelined_resets.h"
#include "store/postgres/pg_tx.h"  // PinResetJob
#include "store/store.h"

namespace chime::store::postgres {

// Fault injection for tests: what to do instead of an ordinary COMMIT.
enum class CommitFault {
  kNone,
  kLoseAnswerAfterCommit,    // commit, then drop the connection before "reading" the answer
  kLoseAnswerAfterRollback,  // roll back instead, then drop the connection: looks the same
  kDropBeforeCommit,         // drop the connection where COMMIT would have been sent
  // A pipelined batch of resets only (elsewhere as kLoseAnswerAfterCommit): commit and read
  // the statement's answer, then drop the connection before COMMIT's answer.
  kLoseCommitAnswer,
};

struct PgWriterOptions {
  // Writer threads, each with its own connection; the server's --pg-writers, same default
  // (server/config.h).
  int threads = 2;
  size_t max_batch = 256;  // write functions per transaction at most
  int max_attempts = 8;    // runs of one function on serialization failures / lost connections
  // How long a write waits for a reachable read-write server before failing with kUnavailable,
  // counted from when it was queued.
  int unavailable_wait_ms = 2000;
  // After Close(), how long unresolved commits keep being resolved before giving up.
  int close_grace_ms = 10000;
  // A batch of resets only commits in the round trip of its statement (pg_writer_resets.cc).
  // Off, such a batch runs like any other; tests of that path turn it off.
  bool pipelined_resets = true;
  // A batch that takes longer than this, retries and waits for a primary included, is logged as
  // a warning (at most one line per writer thread every 10 s, counting the others).
  int slow_write_warning_ms = 100;
  // An I/O thread's reset loop holds resets back while a larger batch is in flight
  // (PgResetLoop::MaySendNow), for this long at most: a batch stuck on a row lock or on a server
  // that vanished must not hold the resets behind it.
  int reset_hold_ms = 5;
  std::function<CommitFault()> commit_fault;  // tests only; null in production
};

struct PgWriterStats {
  int64_t writes = 0;              // function and reset runs, retries included
  int64_t commits = 0;             // batches committed
  int64_t retries = 0;             // transactions retried (40001, 40P01, lost connection)
  int64_t failed_batches = 0;      // transactions that did not commit for a reason outside fn
  int64_t resolved_committed = 0;  // unknown outcomes found committed
  int64_t resolved_aborted = 0;    // unknown outcomes found not committed (then retried)
  int64_t largest_batch = 0;
};

class PgWriter {
 public:
  // Starts the writer threads; they connect lazily with `settings`.
  PgWriter(ConnectSettings settings, PgWriterOptions options);
  ~PgWriter() { Stop(); }
  PgWriter(const PgWriter&) = delete;
  PgWriter& operator=(const PgWriter&) = delete;

  // Queues a write. After Stop() began, calls done(kUnavailable) at once on the calling thread
  // without running fn. Thread-safe.
  void Submit(TxFn fn, DoneFn done);
  // Queues a reset as Submit queues a function (`done` gets its status; job->user is the user
  // once it is OK). Resets that follow each other in a transaction run as one statement
  // (PgTx::ResetPins): a burst of b resets costs one round trip, not b.
  void SubmitReset(std::shared_ptr<PinResetJob> job, DoneFn done);

  // For the I/O threads' reset loops (pg_reset_loop.h), which send pipelined batches of resets
  // themselves and hand these writer threads only what may block.
  //
  // A batch whose pipeline went out but whose answer was lost with the connection (or that
  // the loop had to abandon): resolves its commit marker, reads back what it did when it
  // committed, and runs what it did not do (or everything, when it did not commit) as
  // SubmitReset would, calling each job's `done` once. Never failed for having waited (see
  // FailStaleQueued): it may have committed. Thread-safe.
  void SubmitInDoubt(std::shared_ptr<InDoubtResets> batch);
  // Opens a connection as a writer's, with PipelinedResetSql() prepared (so Prepare finds it
  // without a round trip), and passes it to `done` on a writer thread: null when no read-write
  // server answered, or the writer is stopping. Thread-safe.
  void SubmitConnect(std::function<void(std::unique_ptr<PgConnection>)> done);
  // 128 random bits as hex: the commit marker of one transaction.
  static std::string RandomToken();

  // Refuses new writes, runs everything already queued, joins the threads. Idempotent.
  // Must not be called from a `done` (those run on writer threads).
  void Stop();

  PgWriterStats stats() const;

 private:
  struct Worker;
  struct Item {
    TxFn fn;  // unset for a reset
    DoneFn done;
    std::shared_ptr<PinResetJob> reset;  // set for a reset (SubmitReset)
    std::chrono::steady_clock::time_point queued_at{};
    // Set for SubmitInDoubt and SubmitConnect: run alone, outside any transaction; `done` then
    // only answers a task refused at Enqueue or failed as stale.
    std::function<void(Worker&)> task;
    bool may_fail_stale = true;  // false: it may have committed (SubmitInDoubt)
  };
  enum class Outcome {
    kFinal,     // results are final (committed, or nothing to commit)
    kRetry,     // nothing committed; run again (serialization failure, resolved abort)
    kNoServer,  // nothing committed; no read-write server reachable
    kUnknown,   // whether it committed could not be learned before shutdown
  };

  void Loop();
  // True when every item is a reset (SubmitReset): such a transaction runs READ COMMITTED.
  static bool OnlyResets(const std::vector<Item*>& items);
  void RunBatch(Worker& w, std::vector<Item>& batch);
  // Runs `items` until each has a final status in `results`, retrying as needed.
  void RunWithRetries(Worker& w, const std::vector<Item*>& items, std::vector<Status>& results);
  Outcome RunOnce(Worker& w, const std::vector<Item*>& items, std::vector<Status>& results);
  // Runs one function; returns false when the transaction as a whole is lost and must retry.
  // `snapshots`: the isolation RunOnce began the transaction with (resets only: one per
  // statement).
  bool RunOne(Worker& w, const TxFn& fn, bool own_savepoint, Status* result, Outcome* abort,
              Snapshots snapshots = Snapshots::kOne);
  // Runs the `n` resets from items[first] as one function (PgTx::ResetPins); like RunOne.
  bool RunResets(Worker& w, const std::vector<Item*>& items, size_t first, size_t n,
                 bool own_savepoint, Snapshots snapshots, std::vector<Status>& results,
                 Outcome* abort);
  // A batch of resets only: the first reset of each user in one transaction whose BEGIN,
  // statement and COMMIT go out in one pipeline (RunPipelined); what that left undone (a
  // taken candidate, a refusal to diagnose, a user's later resets, or everything when it did
  // not commit) then runs through RunWithRetries. pg_writer_resets.cc.
  void RunResetBatch(Worker& w, const std::vector<Item*>& items, std::vector<Status>& results);
  // One pipelined transaction: kFinal once it committed (batch.answers says which resets it
  // did), kRetry or kNoServer when it did not, kUnknown when that could not be learned.
  Outcome RunPipelined(Worker& w, PipelinedResets& batch);
  // Answers the resets of `items` that a pipelined transaction with `outcome` did (`item_of`
  // maps batch.jobs to items) and runs the others through RunWithRetries.
  void FinishResetBatch(Worker& w, const std::vector<Item*>& items,
                        const std::vector<size_t>& item_of, PipelinedResets& batch, Outcome outcome,
                        std::vector<Status>& results);
  // After a pipelined transaction's connection broke before COMMIT's answer: resolves `token`
  // and, when it committed, reads the answers from `answer` (the statement's, when it arrived)
  // or back from the database. Returns RunPipelined's outcomes but kNoServer.
  Outcome SettleInDoubt(Worker& w, PipelinedResets& batch, const std::string& token,
                        const PgResult* answer);
  void RunInDoubt(Worker& w, InDoubtResets& in_doubt);
  // Connect, then set the session up for a writer: PrepareWriterSession (pg_writer.cc).
  std::unique_ptr<PgConnection> ConnectWriterSession();
  // The answers of a pipelined transaction that committed while its answer was lost, read
  // back through w's connection (reconnecting); kUnavailable when no server answered before
  // shutdown.
  Status ReadBack(Worker& w, const std::string& token, PipelinedResets& batch);
  void Enqueue(Item item);
  // Called by a writer thread that has just failed to reach a read-write server: the writes
  // queued longer than unavailable_wait_ms fail with kUnavailable. None of them started, so
  // nothing of theirs is written. Without this they would wait behind the batches whose COMMIT
  // is being resolved (Resolve, ReadBack), for as long as no primary is reachable.
  void FailStaleQueued();
  // Commits; on an unresolvable outcome turns the OK entries of `results` into kUnavailable.
  Outcome Commit(Worker& w, const std::string& token, std::vector<Status>& results);
  // After a connection broke during a COMMIT: whether the transaction that wrote `token`
  // committed, counted in the resolved_* stats; drops w's connection and reconnects it on the
  // way. nullopt (logged) when still undecided after Stop() and the grace period.
  std::optional<bool> Resolve(Worker& w, const std::string& token);
  // Ends the open transaction without committing, unless the connection is gone.
  void Rollback(Worker& w);
  // w's connection, checked (PgConnection::Alive), or a new one; false when none is reachable.
  bool Connected(Worker& w);
  bool Connect(Worker& w);
  void SweepMarkers(Worker& w);
  bool stopping() const;

  const ConnectSettings settings_;
  const PgWriterOptions options_;

  std::mutex stop_mu_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point stop_deadline_;

  std::atomic<int64_t> writes_{0};
  std::atomic<int64_t> commits_{0};
  std::atomic<int64_t> retries_{0};
  std::atomic<int64_t> failed_batches_{0};
  std::atomic<int64_t> resolved_committed_{0};
  std::atomic<int64_t> resolved_aborted_{0};
  std::atomic<int64_t> largest_batch_{0};

  // One for all writer threads, so that slow batches are logged at most once per interval
  // however many writers there are.
  std::mutex slow_batch_mu_;
  SlowWarning slow_batch_;

  std::vector<std::thread> threads_;  // last: start after every other member is initialized
};

}  // namespace chime::store::postgres
