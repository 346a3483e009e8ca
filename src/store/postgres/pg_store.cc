#include "store/postgres/pg_store.h"

#include <algorithm>
#include <exception>
#include <memory>
#include <optional>
#include <typeinfo>

#include "common/event_loop.h"
#include "common/log.h"
#include "store/postgres/pg_migrations.h"
#include "store/postgres/pg_pool.h"
#include "store/postgres/pg_tx.h"

namespace chime::store::postgres {

bool IsPostgresUrl(const std::string& url) {
  return url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0;
}

StatusOr<std::unique_ptr<PgStore>> PgStore::Open(const std::string& url, const Options& options) {
  if (url.empty()) return InvalidArgument("The PostgreSQL URL must not be empty.");
  ConnectSettings settings;
  settings.url = url;
  settings.connect_timeout_s = options.connect_timeout_s;
  {
    ASSIGN_OR_RETURN(auto conn, PgConnection::Connect(settings));
    RETURN_IF_ERROR(ApplyMigrations(*conn));
  }
  LOG_INFO("postgres store at " << RedactUrl(url) << " (schema version " << LatestSchemaVersion()
                                << ")");
  auto readers = std::make_unique<PgPool>(settings, options.max_read_connections);
  auto writer = std::make_unique<PgWriter>(settings, options.writer);
  return std::unique_ptr<PgStore>(new PgStore(std::move(writer), std::move(readers), options));
}

PgStore::PgStore(std::unique_ptr<PgWriter> writer, std::unique_ptr<PgPool> readers,
                 const Options& options)
    : writer_(std::move(writer)),
      readers_(std::move(readers)),
      io_thread_resets_(options.io_thread_resets && options.writer.pipelined_resets),
      writer_options_(options.writer) {}

PgStore::~PgStore() { Close(); }

Status PgStore::Read(const TxFn& fn) {
  // One round trip for a read of one statement: BEGIN goes out with the first statement, and
  // the COMMIT's answer is collected by the connection's next user rather than waited for.
  return RunRead(fn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

StatusOr<std::optional<AccessKeyRecord>> PgStore::ReadAccessKey(const std::string& access_key_id) {
  std::optional<AccessKeyRecord> found;
  RETURN_IF_ERROR(RunRead(
      [&](Tx& tx) -> Status {
        ASSIGN_OR_RETURN(found, FindAccessKey(tx, access_key_id));
        return OkStatus();
      },
      /*begin=*/""));
  return found;
}

void PgStore::ResetPin(PinResetAudit audit, std::optional<AccessKeyCheck> key, RandomSource& random,
                       UserDoneFn done) {
  auto job = std::make_shared<PinResetJob>();
  job->audit = std::move(audit);
  job->key = std::move(key);
  job->random = &random;
  DoneFn finish = [job, done = std::move(done)](Status status) {
    FinishReset(std::move(status), job->user, done);
  };
  if (PgResetLoop* loop = LoopForThisThread()) return loop->Submit(job, std::move(finish));
  writer_->SubmitReset(job, std::move(finish));
}

PgResetLoop* PgStore::LoopForThisThread() {
  if (!io_thread_resets_) return nullptr;
  EventLoop* events = EventLoop::Current();
  if (events == nullptr) return nullptr;
  std::lock_guard<std::mutex> lock(loops_mu_);
  if (closed_) return nullptr;  // the writer answers kUnavailable
  std::shared_ptr<PgResetLoop>& loop = loops_[events->id()];
  if (loop == nullptr) {
    loop = std::make_shared<PgResetLoop>(*events, *writer_, writer_options_);
  }
  return loop.get();
}

Status PgStore::RunRead(const TxFn& fn, std::string_view begin) {
  std::optional<PgPool::Lease> conn;
  {
    ASSIGN_OR_RETURN(PgPool::Lease lease, readers_->Acquire());
    conn.emplace(std::move(lease));
  }
  auto replace = [&]() -> PgConnection* {
    (*conn).Discard();
    conn.reset();
    auto lease = readers_->Acquire();
    if (!lease.ok()) return nullptr;
    conn.emplace(std::move(lease).value());
    return &**conn;
  };
  Status status;
  bool began = false;
  bool failed = false;
  try {
    PgTx tx(**conn, DeferredBegin{begin, replace});
    status = fn(tx);
    began = tx.began();
    failed = tx.health().failed;
    // A function that swallowed a failed statement read nothing trustworthy after it.
    if (status.ok() && failed) status = tx.health().status;
  } catch (const std::exception& e) {
    LOG_ERROR("store read function threw " << typeid(e).name());
    status = InternalError();
    failed = true;
    began = !begin.empty();  // the transaction's state is unknown: roll back whatever there is
  } catch (...) {
    LOG_ERROR("store read function threw a non-standard exception");
    status = InternalError();
    failed = true;
    began = !begin.empty();
  }
  if (!conn.has_value()) return status;  // replace() found no server
  if (!began) return status;  // fn read nothing, or one statement by itself: nothing to end
  Status end = failed ? (*conn)->Exec("ROLLBACK", "read.end")
                      : (*conn)->SendWithoutWaiting("COMMIT", "read.end");
  if (!end.ok()) conn->Discard();
  return status;
}

void PgStore::Write(TxFn fn, DoneFn done) { writer_->Submit(std::move(fn), std::move(done)); }

void PgStore::Close() {
  std::lock_guard<std::mutex> lock(close_mu_);
  {
    // Their event loops have stopped: what they still hold (nothing, once every request has
    // been answered) goes to the writer, which is still running. They keep their statistics.
    std::lock_guard<std::mutex> loops_lock(loops_mu_);
    if (!closed_) {
      for (auto& [id, loop] : loops_) loop->Abandon();
      if (!loops_.empty()) {
        const PgResetLoopStats sum = LoopStatsLocked();
        LOG_INFO("postgres: the I/O threads answered " << sum.resets << " resets in " << sum.batches
                                                       << " batches, and handed " << sum.handed
                                                       << " to the writers");
      }
    }
    closed_ = true;
  }
  writer_->Stop();  // then: queued writes still commit
  readers_->Close();
}

PgResetLoopStats PgStore::LoopStatsLocked() const {
  PgResetLoopStats sum;
  for (const auto& [id, loop] : loops_) sum += loop->stats();
  return sum;
}

PgStoreStats PgStore::stats() const {
  PgStoreStats s;
  s.writer = writer_->stats();
  {
    std::lock_guard<std::mutex> lock(loops_mu_);
    s.loops = LoopStatsLocked();
  }
  s.read_connections = readers_->open_connections();
  return s;
}

}  // namespace chime::store::postgres
