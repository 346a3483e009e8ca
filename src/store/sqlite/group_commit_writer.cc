#include "store/sqlite/group_commit_writer.h"

#include <cstdlib>
#include <exception>
#include <string>
#include <typeinfo>

#include "common/log.h"
#include "common/thread_name.h"
#include "store/sqlite/sqlite_error.h"
#include "store/sqlite/sqlite_tx.h"

namespace chime::store::sqlite {
namespace {

// The statements of every batch, found by slot rather than by hashing their text.
const CachedSql kBegin("BEGIN IMMEDIATE");
const CachedSql kCommit("COMMIT");
const CachedSql kRollback("ROLLBACK");
const CachedSql kSavepoint("SAVEPOINT w");
const CachedSql kRelease("RELEASE w");
const CachedSql kRollbackTo("ROLLBACK TO w");

// `done` belongs to the caller; an exception from it must not kill the only writer thread.
void CallDone(const DoneFn& done, Status status) {
  try {
    done(std::move(status));
  } catch (...) {
    LOG_ERROR("store write completion callback threw; ignored");
  }
}

}  // namespace

GroupCommitWriter::GroupCommitWriter(std::unique_ptr<Connection> conn, size_t max_batch,
                                     std::unique_ptr<WalRewinder> rewinder,
                                     std::chrono::milliseconds slow_warning)
    : conn_(std::move(conn)),
      rewinder_(std::move(rewinder)),
      max_batch_(max_batch < 1 ? 1 : max_batch),
      slow_batch_("store write batch", slow_warning),
      slow_checkpoint_("the store writer's WAL checkpoint", slow_warning) {
  thread_ = std::thread([this] {
    NameThisThread("chimed-writer");
    Loop();
  });
}

void GroupCommitWriter::Submit(TxFn fn, DoneFn done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      queue_.push_back(Item{std::move(fn), std::move(done)});
      cv_.notify_one();
      return;
    }
  }
  CallDone(done, UnavailableError());
}

void GroupCommitWriter::Stop() {
  std::lock_guard<std::mutex> stop_lock(stop_mu_);  // concurrent Stop()s join only once
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (!thread_.joinable()) return;
  if (thread_.get_id() == std::this_thread::get_id()) {
    // Joining ourselves would deadlock; this is a caller bug that cannot be recovered from.
    LOG_ERROR("store Close() called from a write completion callback");
    std::abort();
  }
  thread_.join();
  rewinder_.reset();  // uninstalls its hook from conn_
  conn_.reset();
  // Once per store: how well group commit batched (the benchmark reads this line).
  WriterStats s = stats();
  LOG_INFO("store writer stopped: writes="
           << s.writes << " commits=" << s.commits << " largest_batch=" << s.largest_batch
           << " failed_batches=" << s.failed_batches << " wal_rewinds=" << s.wal_rewinds
           << " rewind_checkpoints=" << s.rewind_checkpoints);
}

WriterStats GroupCommitWriter::stats() const {
  return WriterStats{writes_.load(),        commits_.load(),     failed_batches_.load(),
                     largest_batch_.load(), wal_rewinds_.load(), rewind_checkpoints_.load()};
}

void GroupCommitWriter::Loop() {
  for (;;) {
    std::vector<Item> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      // Stop drains: the loop ends only once everything queued has run.
      if (queue_.empty()) return;
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    RunBatch(batch);
  }
}

void GroupCommitWriter::RunBatch(std::vector<Item>& batch) {
  const auto began = SlowWarning::Clock::now();
  std::vector<Status> results(batch.size(), UnavailableError());
  size_t ran = 0;
  bool aborted = !conn_->Exec(kBegin, "writer.begin").ok();
  while (!aborted && ran < batch.size()) {
    results[ran] = RunOne(batch[ran].fn, &aborted);
    ++ran;
  }
  const auto commit_began = SlowWarning::Clock::now();
  bool committed = !aborted && conn_->Exec(kCommit, "writer.commit").ok();
  const auto ended = SlowWarning::Clock::now();
  if (slow_batch_.Slow(ended - began)) WarnSlowBatch(ran, commit_began, ended, ended - began);
  if (!committed) {
    // Nothing of this batch is durable: those that succeeded (or never ran) learn so.
    if (conn_->InTransaction()) (void)conn_->Exec(kRollback, "writer.rollback");
    for (size_t i = 0; i < batch.size(); ++i) {
      if (i >= ran || results[i].ok()) results[i] = UnavailableError();
    }
    failed_batches_.fetch_add(1);
  } else {
    commits_.fetch_add(1);
  }
  writes_.fetch_add(static_cast<int64_t>(ran));
  int64_t size = static_cast<int64_t>(batch.size());
  if (size > largest_batch_.load()) largest_batch_.store(size);  // only this thread writes it
  for (size_t i = 0; i < batch.size(); ++i) CallDone(batch[i].done, std::move(results[i]));
  // After the answers: any checkpoint it runs delays the next batch, not this one.
  if (rewinder_ != nullptr) {
    const auto checkpoint_began = SlowWarning::Clock::now();
    rewinder_->AfterBatch();
    const auto checkpoint_ended = SlowWarning::Clock::now();
    if (slow_checkpoint_.Slow(checkpoint_ended - checkpoint_began)) {
      if (auto line = slow_checkpoint_.Observe(
              checkpoint_ended, checkpoint_ended - checkpoint_began,
              "copying the WAL's last frames into the database file, and its fsync")) {
        LOG_WARN(*line);
      }
    }
    wal_rewinds_.store(rewinder_->rewinds());
    rewind_checkpoints_.store(rewinder_->attempts());
  }
}

void GroupCommitWriter::WarnSlowBatch(size_t writes, SlowWarning::Clock::time_point commit_began,
                                      SlowWarning::Clock::time_point ended,
                                      std::chrono::nanoseconds took) {
  std::string detail = std::to_string(writes) + (writes == 1 ? " write" : " writes") +
                       "; COMMIT with its fsync " + FormatMs(ended - commit_began);
  if (auto line = slow_batch_.Observe(ended, took, detail)) LOG_WARN(*line);
}

Status GroupCommitWriter::RunOne(const TxFn& fn, bool* aborted) {
  if (!conn_->Exec(kSavepoint, "writer.savepoint").ok()) {
    *aborted = true;
    return UnavailableError();
  }
  Status status;
  try {
    SqliteTx tx(*conn_, /*writable=*/true);
    status = fn(tx);
  } catch (const std::exception& e) {
    // The type only: an exception's text might quote the data it choked on.
    LOG_ERROR("store write function threw " << typeid(e).name());
    status = InternalError();
  } catch (...) {
    LOG_ERROR("store write function threw a non-standard exception");
    status = InternalError();
  }
  // After an I/O error or a full disk SQLite may roll the whole transaction back on its own.
  if (!conn_->InTransaction()) {
    LOG_WARN("sqlite rolled back a write batch; failing the whole batch");
    *aborted = true;
    return UnavailableError();
  }
  bool cleaned = status.ok() ? conn_->Exec(kRelease, "writer.release").ok()
                             : conn_->Exec(kRollbackTo, "writer.rollback_to").ok() &&
                                   conn_->Exec(kRelease, "writer.release").ok();
  if (!cleaned) {
    *aborted = true;
    return UnavailableError();
  }
  return status;
}

}  // namespace chime::store::sqlite
