#include "store/postgres/pg_writer.h"

#include <sys/random.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <random>
#include <string>
#include <typeinfo>
#include <utility>

#include "common/log.h"
#include "common/slow_warning.h"
#include "common/thread_name.h"
#include "store/postgres/pg_tx.h"
#include "store/postgres/pg_writer_worker.h"

namespace chime::store::postgres {

void CallDone(const DoneFn& done, Status status) {
  try {
    done(std::move(status));
  } catch (...) {
    LOG_ERROR("store write completion callback threw; ignored");
  }
}

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Jittered exponential backoff: attempt 1 waits up to 2 ms, attempt 7 up to 128 ms.
void Backoff(int attempt) {
  thread_local std::minstd_rand rng(std::random_device{}());
  int cap = 1 << std::min(attempt, 7);
  std::this_thread::sleep_for(milliseconds(1 + static_cast<int>(rng() % cap)));
}

constexpr auto kSweepEvery = std::chrono::minutes(10);

// A writer connection lives as long as chimed, and its prepared statements (and its triggers'
// queries) keep the generic plan made at their first runs. Made while a table was still
// tiny (a new or just-loaded database), that plan could be a sequential scan, repeated on every
// reset while the table grows: the bench saw one writer backend at a full core. Every statement
// the writer runs is a keyed lookup, so seq scans are priced out for its session.
// And generic plans always: left to choose, PostgreSQL planned the reset statement afresh on
// every run once batches were of one or two resets (several writers, few clients), 0.8 ms of
// planning per statement, more than its execution (bench/RESULTS-postgres.md).
Status PrepareWriterSession(PgConnection& conn) {
  return conn.Exec("SET enable_seqscan = off; SET plan_cache_mode = force_generic_plan",
                   "writer.session");
}

}  // namespace

// Hex only, so it can be written into SQL text literally (the marker insert is sent ahead
// without parameters, see RunOnce).
std::string PgWriter::RandomToken() {
  unsigned char bytes[16];
  size_t got = 0;
  while (got < sizeof(bytes)) {
    ssize_t n = ::getrandom(bytes + got, sizeof(bytes) - got, 0);
    if (n > 0) got += static_cast<size_t>(n);
  }
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

PgWriter::PgWriter(ConnectSettings settings, PgWriterOptions options)
    : settings_(std::move(settings)),
      options_(std::move(options)),
      slow_batch_("postgres write batch", milliseconds(options_.slow_write_warning_ms)) {
  int n = std::max(1, options_.threads);
  for (int i = 0; i < n; ++i) {
    threads_.emplace_back([this, i] {
      NameThisThread("chimed-pgwr-" + std::to_string(i));
      Loop();
    });
  }
}

void PgWriter::Submit(TxFn fn, DoneFn done) {
  Item item;
  item.fn = std::move(fn);
  item.done = std::move(done);
  Enqueue(std::move(item));
}

void PgWriter::SubmitReset(std::shared_ptr<PinResetJob> job, DoneFn done) {
  Item item;
  item.done = std::move(done);
  item.reset = std::move(job);
  Enqueue(std::move(item));
}

void PgWriter::SubmitInDoubt(std::shared_ptr<InDoubtResets> batch) {
  Item item;
  item.task = [this, batch](Worker& w) { RunInDoubt(w, *batch); };
  item.done = [batch](Status status) {
    // Refused at Enqueue: the writer is stopping, which the loops never let happen (PgStore
    // closes them first). Whether the batch committed stays unknown.
    LOG_ERROR(
        "postgres: a reset batch whose COMMIT was interrupted reached a stopped writer; "
        "answering 503");
    for (auto& done : batch->dones) CallDone(done, status);
  };
  item.may_fail_stale = false;
  Enqueue(std::move(item));
}

void PgWriter::SubmitConnect(std::function<void(std::unique_ptr<PgConnection>)> done) {
  auto shared = std::make_shared<decltype(done)>(std::move(done));
  Item item;
  item.task = [this, shared](Worker&) {
    std::unique_ptr<PgConnection> conn = ConnectWriterSession();
    if (conn != nullptr && !conn->Prepare(PipelinedResetSql(), "writer.prepare").ok()) {
      conn.reset();
    }
    (*shared)(std::move(conn));
  };
  item.done = [shared](Status) { (*shared)(nullptr); };
  Enqueue(std::move(item));
}

std::unique_ptr<PgConnection> PgWriter::ConnectWriterSession() {
  auto conn = PgConnection::Connect(settings_);
  if (!conn.ok() || !PrepareWriterSession(**conn).ok()) return nullptr;
  return std::move(conn).value();
}

void PgWriter::Enqueue(Item item) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      // Stamped under the lock, so the queue's times rise front to back (FailStaleQueued).
      item.queued_at = Clock::now();
      queue_.push_back(std::move(item));
      cv_.notify_one();
      return;
    }
  }
  CallDone(item.done, UnavailableError());
}

void PgWriter::FailStaleQueued() {
  const auto cutoff = Clock::now() - milliseconds(options_.unavailable_wait_ms);
  std::vector<Item> stale;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // The queue is in arrival order: the stale writes are a prefix, but for the batches that
    // may have committed (SubmitInDoubt), which stay.
    auto it = queue_.begin();
    while (it != queue_.end() && it->queued_at <= cutoff) {
      if (!it->may_fail_stale) {
        ++it;
        continue;
      }
      stale.push_back(std::move(*it));
      it = queue_.erase(it);
    }
  }
  for (Item& item : stale) CallDone(item.done, UnavailableError());
}

void PgWriter::Stop() {
  std::lock_guard<std::mutex> stop_lock(stop_mu_);  // concurrent Stop()s join only once
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) stop_deadline_ = Clock::now() + milliseconds(options_.close_grace_ms);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (!t.joinable()) continue;
    if (t.get_id() == std::this_thread::get_id()) {
      // Joining ourselves would deadlock; this is a caller bug that cannot be recovered from.
      LOG_ERROR("store Close() called from a write completion callback");
      std::abort();
    }
    t.join();
  }
}

bool PgWriter::stopping() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stopping_;
}

PgWriterStats PgWriter::stats() const {
  PgWriterStats s;
  s.writes = writes_.load();
  s.commits = commits_.load();
  s.retries = retries_.load();
  s.failed_batches = failed_batches_.load();
  s.resolved_committed = resolved_committed_.load();
  s.resolved_aborted = resolved_aborted_.load();
  s.largest_batch = largest_batch_.load();
  return s;
}

void PgWriter::Loop() {
  Worker w;
  for (;;) {
    std::vector<Item> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      // Stop drains: a thread ends only once everything queued has been taken.
      if (queue_.empty()) return;
      // A task runs by itself.
      while (!queue_.empty() && batch.size() < options_.max_batch &&
             (batch.empty() || (!batch.front().task && !queue_.front().task))) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    if (batch.front().task) {
      batch.front().task(w);
    } else {
      RunBatch(w, batch);
    }
    if (Clock::now() >= w.next_sweep) SweepMarkers(w);
  }
}

bool PgWriter::OnlyResets(const std::vector<Item*>& items) {
  return std::all_of(items.begin(), items.end(),
                     [](const Item* item) { return item->reset != nullptr; });
}

void PgWriter::RunBatch(Worker& w, std::vector<Item>& batch) {
  const auto began = Clock::now();
  const int64_t retries_before = w.retries;
  std::vector<Item*> items;
  for (auto& item : batch) items.push_back(&item);
  std::vector<Status> results(batch.size(), UnavailableError());
  if (OnlyResets(items) && options_.pipelined_resets) {
    RunResetBatch(w, items, results);
  } else {
    RunWithRetries(w, items, results);
  }
  const auto ended = Clock::now();
  if (slow_batch_.Slow(ended - began)) {
    const int64_t retries = w.retries - retries_before;
    std::string detail = std::to_string(batch.size()) + (batch.size() == 1 ? " write" : " writes") +
                         ", " + std::to_string(retries) + (retries == 1 ? " retry" : " retries");
    std::optional<std::string> line;
    {
      std::lock_guard<std::mutex> lock(slow_batch_mu_);
      line = slow_batch_.Observe(ended, ended - began, detail);
    }
    if (line) LOG_WARN(*line);
  }
  int64_t size = static_cast<int64_t>(batch.size());
  int64_t largest = largest_batch_.load();
  while (size > largest && !largest_batch_.compare_exchange_weak(largest, size)) {
  }
  for (size_t i = 0; i < batch.size(); ++i) CallDone(batch[i].done, std::move(results[i]));
}

void PgWriter::RunWithRetries(Worker& w, const std::vector<Item*>& items,
                              std::vector<Status>& results) {
  int attempts = 0;
  // The wait for a server counts from when the batch's oldest write was queued, not from when
  // this thread took it up: a write that queued behind a batch giving up the same wait would
  // otherwise wait twice as long.
  Clock::time_point queued = Clock::now();
  for (const Item* item : items) queued = std::min(queued, item->queued_at);
  for (;;) {
    Outcome outcome = RunOnce(w, items, results);
    if (outcome == Outcome::kFinal) return;
    if (outcome == Outcome::kNoServer) {
      if (Clock::now() - queued >= milliseconds(options_.unavailable_wait_ms)) {
        failed_batches_.fetch_add(1);
        for (auto& r : results) r = UnavailableError();
        return;
      }
      FailStaleQueued();
      std::this_thread::sleep_for(milliseconds(100));
      continue;
    }
    retries_.fetch_add(1);
    ++w.retries;
    if (items.size() > 1) {
      // Something in this batch conflicts; give every function a transaction of its own so
      // that one hot row cannot make the others fail with it.
      for (size_t i = 0; i < items.size(); ++i) {
        std::vector<Status> one(1, UnavailableError());
        RunWithRetries(w, {items[i]}, one);
        results[i] = std::move(one[0]);
      }
      return;
    }
    if (++attempts >= options_.max_attempts) {
      LOG_WARN("postgres write gave up after " << attempts << " attempts");
      failed_batches_.fetch_add(1);
      results[0] = UnavailableError();
      return;
    }
    Backoff(attempts);
  }
}

PgWriter::Outcome PgWriter::RunOnce(Worker& w, const std::vector<Item*>& items,
                                    std::vector<Status>& results) {
  if (!Connected(w)) return Outcome::kNoServer;
  // The batch's functions, as [first, end) of items: consecutive resets run as one function
  // (RunResets), which needs no savepoint of its own when it is the whole batch.
  std::vector<std::pair<size_t, size_t>> functions;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0 && items[i]->reset && items[i - 1]->reset) {
      functions.back().second = i + 1;
    } else {
      functions.emplace_back(i, i + 1);
    }
  }
  const bool multi = functions.size() > 1;
  // Resets only (what a pipelined batch left, or a batch of resets when pipelining is off):
  // READ COMMITTED, as pipelined batches are (pg_writer_resets.cc), so that two writers'
  // transactions on the same users wait for each other's row locks instead of aborting each
  // other. Anything else: SERIALIZABLE.
  const bool resets_only = OnlyResets(items);
  const Snapshots snapshots = resets_only ? Snapshots::kPerStatement : Snapshots::kOne;
  const std::string token = RandomToken();
  // Round trips are what bounds a writer (bench/RESULTS-postgres.md), so the transaction's
  // opening and each savepoint release go out with the next statement, in one pipeline
  // (PgConnection::Defer). If the server refuses one of them, that statement's caller fails
  // and RunOne sees deferred_failed(): a failure of the transaction, not of the function.
  w.conn->DiscardDeferred();
  w.conn->Defer(resets_only ? "BEGIN ISOLATION LEVEL READ COMMITTED"
                            : "BEGIN ISOLATION LEVEL SERIALIZABLE");
  w.conn->Defer("INSERT INTO chimed_commit_markers(token) VALUES ('" + token + "')");
  if (multi) w.conn->Defer("SAVEPOINT w");
  bool any_ok = false;
  for (const auto& [first, end] : functions) {
    Outcome abort = Outcome::kRetry;
    const bool kept =
        items[first]->reset
            ? RunResets(w, items, first, end - first, multi, snapshots, results, &abort)
            : RunOne(w, items[first]->fn, multi, &results[first], &abort);
    if (!kept) {
      Rollback(w);
      failed_batches_.fetch_add(1);
      return abort;
    }
    for (size_t i = first; i < end; ++i) any_ok = any_ok || results[i].ok();
  }
  if (!any_ok) {
    // Every function failed on its own: nothing to commit, and each result is final.
    Rollback(w);
    return Outcome::kFinal;
  }
  Outcome outcome = Commit(w, token, results);
  if (outcome != Outcome::kFinal) failed_batches_.fetch_add(1);
  return outcome;
}

bool PgWriter::RunOne(Worker& w, const TxFn& fn, bool own_savepoint, Status* result, Outcome* abort,
                      Snapshots snapshots) {
  PgTx tx(*w.conn, /*writable=*/true, snapshots);
  Status status;
  try {
    status = fn(tx);
  } catch (const std::exception& e) {
    // The type only: an exception's text might quote the data it choked on.
    LOG_ERROR("store write function threw " << typeid(e).name());
    status = InternalError();
  } catch (...) {
    LOG_ERROR("store write function threw a non-standard exception");
    status = InternalError();
  }
  writes_.fetch_add(1);
  if (w.conn->deferred_failed() || w.conn->broken()) {
    // The BEGIN, the commit marker or a savepoint sent ahead of fn's statement failed, or the
    // connection is gone: the transaction is lost whatever fn made of it. Nothing committed.
    *abort = Outcome::kRetry;
    return false;
  }
  const TxHealth& health = tx.health();
  if (health.failed && health.failure != Failure::kStatement) {
    // A serialization failure or a lost connection dooms the whole transaction, whatever fn
    // made of the error. Nothing committed: run everything again.
    *abort = Outcome::kRetry;
    return false;
  }
  // A function that swallowed a failed statement cannot commit: PostgreSQL has aborted its work.
  if (status.ok() && health.failed) status = health.status;
  *result = status;
  if (!own_savepoint) return true;  // a lone function: RunOnce rolls back if it failed
  if (status.ok()) {
    w.conn->Defer("RELEASE w");
    w.conn->Defer("SAVEPOINT w");
    return true;
  }
  // A function that failed before sending anything left only what was deferred to undo, and
  // Exec sends that first, so the rollback below is right in both cases.
  Status cleanup = w.conn->Exec("ROLLBACK TO w", "writer.rollback_to");
  if (!cleanup.ok()) {
    *abort = Outcome::kRetry;
    return false;
  }
  return true;
}

bool PgWriter::RunResets(Worker& w, const std::vector<Item*>& items, size_t first, size_t n,
                         bool own_savepoint, Snapshots snapshots, std::vector<Status>& results,
                         Outcome* abort) {
  std::vector<PinResetJob*> jobs;
  for (size_t k = 0; k < n; ++k) jobs.push_back(items[first + k]->reset.get());
  std::vector<Status> outcomes;
  Status status;
  auto fn = [&](Tx& tx) { return static_cast<PgTx&>(tx).ResetPins(jobs, outcomes); };
  const bool kept = RunOne(w, fn, own_savepoint, &status, abort, snapshots);
  writes_.fetch_add(static_cast<int64_t>(n) - 1);  // RunOne counted the group once
  if (!kept) return false;
  if (n == 1) {
    results[first] = status.ok() ? outcomes[0] : status;
    return true;
  }
  if (!status.ok()) {
    // A statement failed after the group may have written for some of its resets, and
    // RunOne's rollback undid them all: run every function in a transaction of its own.
    *abort = Outcome::kRetry;
    return false;
  }
  for (size_t k = 0; k < n; ++k) results[first + k] = std::move(outcomes[k]);
  return true;
}

PgWriter::Outcome PgWriter::Commit(Worker& w, const std::string& token,
                                   std::vector<Status>& results) {
  CommitFault fault = options_.commit_fault ? options_.commit_fault() : CommitFault::kNone;
  Status s;
  bool unknown = false;
  switch (fault) {
    case CommitFault::kNone:
      // Through Query, so that a deferred savepoint release travels with the COMMIT.
      s = w.conn->Query("COMMIT", Params(), "writer.commit").status();
      if (!s.ok() && w.conn->deferred_failed()) {
        // The server refused the release sent ahead, so it skipped the COMMIT: nothing
        // committed, and the connection is fine.
        Rollback(w);
        return Outcome::kRetry;
      }
      unknown = !s.ok() && w.conn->last_failure() == Failure::kConnection;
      break;
    case CommitFault::kLoseAnswerAfterCommit:
    case CommitFault::kLoseCommitAnswer:
      (void)w.conn->Exec("COMMIT", "writer.commit");
      w.conn->SimulateNetworkFailure();
      unknown = true;
      break;
    case CommitFault::kLoseAnswerAfterRollback:
      (void)w.conn->Exec("ROLLBACK", "writer.rollback");
      w.conn->SimulateNetworkFailure();
      unknown = true;
      break;
    case CommitFault::kDropBeforeCommit:
      w.conn->SimulateNetworkFailure();
      unknown = true;
      break;
  }
  if (unknown) {
    std::optional<bool> committed = Resolve(w, token);
    if (!committed.has_value()) {
      for (auto& r : results) {
        if (r.ok()) r = UnavailableError();
      }
      return Outcome::kFinal;
    }
    if (!*committed) return Outcome::kRetry;
    commits_.fetch_add(1);
    return Outcome::kFinal;
  }
  if (s.ok()) {
    commits_.fetch_add(1);
    return Outcome::kFinal;
  }
  // The server answered: the transaction did not commit (a serialization failure found at
  // commit, a full disk ...). Run it again; max_attempts bounds a failure that persists.
  return Outcome::kRetry;
}

std::optional<bool> PgWriter::Resolve(Worker& w, const std::string& token) {
  w.conn.reset();
  LOG_WARN("postgres: the connection broke during a COMMIT; resolving the outcome");
  int delay_ms = 50;
  for (;;) {
    auto conn = PgConnection::Connect(settings_);
    if (conn.ok()) {
      Params p;
      p.Text(token);
      // Waits for the original transaction if it is still running on this server.
      auto r = (*conn)->Query(
          "INSERT INTO chimed_commit_markers(token) VALUES ($1) "
          "ON CONFLICT (token) DO NOTHING RETURNING token",
          p, "writer.resolve");
      if (r.ok()) {
        w.conn = std::move(conn).value();
        if (!PrepareWriterSession(*w.conn).ok()) w.conn.reset();  // Connect() tries again
        bool committed = r->rows() == 0;
        LOG_INFO("postgres: the interrupted COMMIT " << (committed ? "did" : "did not")
                                                     << " take effect");
        (committed ? resolved_committed_ : resolved_aborted_).fetch_add(1);
        return committed;
      }
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_ && Clock::now() >= stop_deadline_) {
        LOG_ERROR(
            "postgres: could not resolve a COMMIT before shutdown; answering 503 for a "
            "write whose outcome is unknown");
        return std::nullopt;
      }
    }
    FailStaleQueued();
    std::this_thread::sleep_for(milliseconds(delay_ms));
    delay_ms = std::min(delay_ms * 2, 1000);
  }
}

void PgWriter::Rollback(Worker& w) {
  if (w.conn == nullptr || w.conn->broken()) return;
  w.conn->DiscardDeferred();  // moot: the whole transaction goes
  (void)w.conn->Exec("ROLLBACK", "writer.rollback");
}

bool PgWriter::Connected(Worker& w) {
  // Alive, not !broken(): a writer's connection may have been idle since the server went away
  // (resets mostly go out from the I/O threads), and a batch sent on it would be in doubt for
  // the whole outage instead of failing with kUnavailable once it has waited its time.
  return (w.conn != nullptr && w.conn->Alive()) || Connect(w);
}

bool PgWriter::Connect(Worker& w) {
  w.conn.reset();
  w.conn = ConnectWriterSession();
  return w.conn != nullptr;
}

// Markers only matter until an interrupted COMMIT is resolved; a day is far longer than any
// resolution takes. Failure is harmless (the next sweep tries again).
void PgWriter::SweepMarkers(Worker& w) {
  w.next_sweep = Clock::now() + kSweepEvery;
  if (w.conn == nullptr || w.conn->broken()) return;
  (void)w.conn->Exec(
      "DELETE FROM chimed_commit_markers WHERE created_at < now() - interval '1 day'",
      "writer.sweep");
}

}  // namespace chime::store::postgres
