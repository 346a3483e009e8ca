#include "store/sqlite/sqlite_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <optional>
#include <typeinfo>

#include "common/log.h"
#include "store/sqlite/checkpointer.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/group_commit_writer.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/read_pool.h"
#include "store/sqlite/sqlite_error.h"
#include "store/sqlite/sqlite_tx.h"
#include "store/sqlite/wal_rewinder.h"
#include "store/sqlite/wal_write_buffer.h"

namespace chime::store::sqlite {
namespace {

// SQLite would create a missing file with 0644 less the umask; the database holds PINs and
// encrypted secrets, so create it ourselves, owner-only whatever the umask. SQLite gives the
// -wal and -shm files the mode of the database file.
Status CreateOwnerOnly(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return OkStatus();  // an existing file keeps the mode its owner chose
    LOG_ERROR("cannot create database file " << path << ": " << std::strerror(errno));
    return UnavailableError();
  }
  int rc = ::fchmod(fd, 0600);  // umask may have removed bits from 0600, never added any
  int saved_errno = errno;
  ::close(fd);
  if (rc != 0) {
    LOG_ERROR("cannot chmod database file " << path << ": " << std::strerror(saved_errno));
    return UnavailableError();
  }
  return OkStatus();
}

StatusOr<std::unique_ptr<Connection>> OpenWriter(const std::string& path,
                                                 const SqliteStoreOptions& options) {
  const char* vfs = nullptr;
  if (options.buffer_wal_writes) {
    vfs = WalWriteBufferVfs();
    if (vfs == nullptr) LOG_WARN("cannot register the WAL write buffer; writing frames directly");
  }
  ASSIGN_OR_RETURN(auto conn, Connection::Open(path, options.busy_timeout_ms, vfs));
  // Before WAL mode and the first table, the only moments SQLite still takes it; on an existing
  // database it is a no-op. PRAGMA arguments cannot be bound; we format the integer ourselves.
  RETURN_IF_ERROR(conn->Exec("PRAGMA page_size = " + std::to_string(options.new_database_page_size),
                             "open.page_size"));
  ASSIGN_OR_RETURN(std::string mode, conn->QueryText("PRAGMA journal_mode = WAL", "open.wal"));
  if (mode != "wal") {
    LOG_ERROR("sqlite refused WAL mode for " << path << " (journal_mode=" << mode << ")");
    return UnavailableError();
  }
  // FULL: the WAL is fsynced at every commit, which is what makes a 2xx answer durable (and
  // what the WAL write buffer relies on: each commit's sync writes its frames out).
  RETURN_IF_ERROR(conn->Exec("PRAGMA synchronous = FULL", "open.synchronous"));
  // Frames only at commits, never spilled mid-transaction: what the WAL write buffer needs to be
  // empty whenever the write lock is released (wal_write_buffer.h). A transaction bigger than
  // the page cache keeps its pages in memory instead; the writer's batches are small.
  RETURN_IF_ERROR(conn->Exec("PRAGMA cache_spill = OFF", "open.cache_spill"));
  RETURN_IF_ERROR(conn->Exec("PRAGMA foreign_keys = ON", "open.foreign_keys"));
  if (options.checkpoint_interval_ms > 0) {
    RETURN_IF_ERROR(conn->Exec("PRAGMA wal_autocheckpoint = 0", "open.autocheckpoint"));
  }
  if (options.checkpoint_interval_ms > 0 && options.wal_limit_bytes > 0) {
    // Applies when the WAL starts over: a file that grew past the limit shrinks back to it.
    RETURN_IF_ERROR(
        conn->Exec("PRAGMA journal_size_limit = " + std::to_string(options.wal_limit_bytes),
                   "open.wal_limit"));
  }
  if (options.max_page_count > 0) {
    // PRAGMA arguments cannot be bound; the value is an integer we format ourselves.
    RETURN_IF_ERROR(conn->Exec("PRAGMA max_page_count = " + std::to_string(options.max_page_count),
                               "open.max_pages"));
  }
  RETURN_IF_ERROR(ApplyMigrations(*conn));
  return conn;
}

// SQLite's memory statistics take a process-wide mutex around every malloc and free, contended
// by the writer and every reader; chimed never reads them. Must precede sqlite3_initialize(), so
// it is a no-op (SQLITE_MISUSE, ignored) when something in the process already used SQLite.
void DisableMemoryStatistics() {
  static std::once_flag once;
  std::call_once(once, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace

StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                         const Options& options) {
  if (path.empty()) return InvalidArgument("The database path must not be empty.");
  DisableMemoryStatistics();
  RETURN_IF_ERROR(CreateOwnerOnly(path));
  ASSIGN_OR_RETURN(auto writer_conn, OpenWriter(path, options));
  // Fixed for the database's life (an existing file keeps the size it was created with).
  ASSIGN_OR_RETURN(std::string page_text, writer_conn->QueryText("PRAGMA page_size", "open.page"));
  const int64_t page_size = std::strtoll(page_text.c_str(), nullptr, 10);
  std::unique_ptr<Checkpointer> checkpointer;
  if (options.checkpoint_interval_ms > 0) {
    ASSIGN_OR_RETURN(auto conn, Connection::Open(path, options.busy_timeout_ms));
    // Hurrying over the last quarter before the limit leaves the writer only a short tail to
    // copy when it starts the WAL over.
    checkpointer = std::make_unique<Checkpointer>(
        std::move(conn), std::chrono::milliseconds(options.checkpoint_interval_ms),
        options.wal_limit_bytes / 4 * 3, page_size);
  }
  auto readers =
      std::make_unique<ReadPool>(path, options.max_read_connections, options.busy_timeout_ms);
  std::unique_ptr<WalRewinder> rewinder;
  if (options.checkpoint_interval_ms > 0 && options.wal_limit_bytes > 0) {
    rewinder = std::make_unique<WalRewinder>(*writer_conn, options.wal_limit_bytes, page_size);
  }
  auto writer = std::make_unique<GroupCommitWriter>(
      std::move(writer_conn), options.max_batch, std::move(rewinder),
      std::chrono::milliseconds(options.slow_write_warning_ms));
  return std::unique_ptr<SqliteStore>(
      new SqliteStore(std::move(writer), std::move(readers), std::move(checkpointer)));
}

SqliteStore::SqliteStore(std::unique_ptr<GroupCommitWriter> writer,
                         std::unique_ptr<ReadPool> readers,
                         std::unique_ptr<Checkpointer> checkpointer)
    : writer_(std::move(writer)),
      readers_(std::move(readers)),
      checkpointer_(std::move(checkpointer)) {}

SqliteStore::~SqliteStore() { Close(); }

namespace {

const CachedSql kBegin("BEGIN");
const CachedSql kCommit("COMMIT");
const CachedSql kRollback("ROLLBACK");

// Runs `fn` in the read transaction open on `conn`.
Status RunRead(Connection& conn, const TxFn& fn) {
  try {
    SqliteTx tx(conn, /*writable=*/false);
    return fn(tx);
  } catch (const std::exception& e) {
    LOG_ERROR("store read function threw " << typeid(e).name());
  } catch (...) {
    LOG_ERROR("store read function threw a non-standard exception");
  }
  return InternalError();
}

void EndRead(ReadPool::Lease& conn) {
  if (conn->InTransaction() && !conn->Exec(kCommit, "read.commit").ok()) {
    (void)conn->Exec(kRollback, "read.rollback");
  }
  // Defensive: a connection stuck in a transaction would pin an old snapshot forever.
  if (conn->InTransaction()) conn.Discard();
}

// A scope of Store::ShareReads. Scopes nest per thread (of different stores), innermost first.
class SharedRead final : public Store::SharedReads {
 public:
  explicit SharedRead(const SqliteStore* store);
  ~SharedRead() override;

  const SqliteStore* const store;
  SharedRead* const outer;
  std::optional<ReadPool::Lease> lease;  // from the first Read on
};

thread_local SharedRead* innermost_shared_read = nullptr;

SharedRead::SharedRead(const SqliteStore* store) : store(store), outer(innermost_shared_read) {
  innermost_shared_read = this;
}

SharedRead::~SharedRead() {
  if (lease.has_value()) EndRead(*lease);
  innermost_shared_read = outer;
}

SharedRead* SharedReadOf(const SqliteStore* store) {
  for (SharedRead* s = innermost_shared_read; s != nullptr; s = s->outer) {
    if (s->store == store) return s;
  }
  return nullptr;
}

}  // namespace

Status SqliteStore::Read(const TxFn& fn) {
  if (SharedRead* shared = SharedReadOf(this); shared != nullptr) {
    if (!shared->lease.has_value()) {
      ASSIGN_OR_RETURN(ReadPool::Lease conn, readers_->Acquire());
      shared->lease.emplace(std::move(conn));
    }
    Connection& conn = **shared->lease;
    // After an error SQLite may have ended the transaction itself: the next Read starts another.
    if (!conn.InTransaction()) RETURN_IF_ERROR(conn.Exec(kBegin, "read.begin"));
    return RunRead(conn, fn);
  }
  ASSIGN_OR_RETURN(ReadPool::Lease conn, readers_->Acquire());
  // One read transaction, so every query of fn sees the same committed snapshot.
  RETURN_IF_ERROR(conn->Exec(kBegin, "read.begin"));
  Status status = RunRead(*conn, fn);
  EndRead(conn);
  return status;
}

std::unique_ptr<Store::SharedReads> SqliteStore::ShareReads() {
  if (SharedReadOf(this) != nullptr) return nullptr;
  return std::make_unique<SharedRead>(this);
}

void SqliteStore::Write(TxFn fn, DoneFn done) { writer_->Submit(std::move(fn), std::move(done)); }

void SqliteStore::Close() {
  std::lock_guard<std::mutex> lock(close_mu_);
  writer_->Stop();  // first: queued writes still commit
  readers_->Close();
  if (checkpointer_ != nullptr) checkpointer_->Stop();
}

SqliteStoreStats SqliteStore::stats() const {
  WriterStats w = writer_->stats();
  SqliteStoreStats s;
  s.writes = w.writes;
  s.commits = w.commits;
  s.failed_batches = w.failed_batches;
  s.largest_batch = w.largest_batch;
  s.wal_rewinds = w.wal_rewinds;
  s.rewind_checkpoints = w.rewind_checkpoints;
  s.checkpoints = checkpointer_ != nullptr ? checkpointer_->checkpoints() : 0;
  s.read_connections = readers_->open_connections();
  return s;
}

}  // namespace chime::store::sqlite
