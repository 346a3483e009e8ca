#include "store/postgres/pg_store.h"

#include <exception>
#include <typeinfo>

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
  return std::unique_ptr<PgStore>(new PgStore(std::move(writer), std::move(readers)));
}

PgStore::PgStore(std::unique_ptr<PgWriter> writer, std::unique_ptr<PgPool> readers)
    : writer_(std::move(writer)), readers_(std::move(readers)) {}

PgStore::~PgStore() { Close(); }

namespace {

// Starts the read transaction. A connection that died while idle in the pool (the server
// restarted, failed over) is replaced once: fn has not run yet, so nothing is repeated.
StatusOr<PgPool::Lease> BeginRead(PgPool& pool) {
  constexpr char kBegin[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
  for (int attempt = 0;; ++attempt) {
    ASSIGN_OR_RETURN(PgPool::Lease conn, pool.Acquire());
    Status s = conn->Exec(kBegin, "read.begin");
    if (s.ok()) return conn;
    conn.Discard();
    if (attempt == 1 || conn->last_failure() != Failure::kConnection) return s;
  }
}

}  // namespace

Status PgStore::Read(const TxFn& fn) {
  ASSIGN_OR_RETURN(PgPool::Lease conn, BeginRead(*readers_));
  Status status;
  bool failed = false;
  try {
    PgTx tx(*conn, /*writable=*/false);
    status = fn(tx);
    failed = tx.health().failed;
    // A function that swallowed a failed statement read nothing trustworthy after it.
    if (status.ok() && failed) status = tx.health().status;
  } catch (const std::exception& e) {
    LOG_ERROR("store read function threw " << typeid(e).name());
    status = InternalError();
  } catch (...) {
    LOG_ERROR("store read function threw a non-standard exception");
    status = InternalError();
  }
  if (!conn->Exec(failed ? "ROLLBACK" : "COMMIT", "read.end").ok()) conn.Discard();
  return status;
}

void PgStore::Write(TxFn fn, DoneFn done) { writer_->Submit(std::move(fn), std::move(done)); }

void PgStore::Close() {
  std::lock_guard<std::mutex> lock(close_mu_);
  writer_->Stop();  // first: queued writes still commit
  readers_->Close();
}

PgStoreStats PgStore::stats() const {
  PgStoreStats s;
  s.writer = writer_->stats();
  s.read_connections = readers_->open_connections();
  return s;
}

}  // namespace chime::store::postgres
