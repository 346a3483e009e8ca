#include "store/sqlite/connection.h"

#include <sqlite3.h>

#include <atomic>
#include <utility>

#include "common/log.h"
#include "store/sqlite/sqlite_error.h"

namespace chime::store::sqlite {

CachedSql::CachedSql(std::string text) : text_(std::move(text)) {
  static std::atomic<size_t> next_slot{0};
  slot_ = next_slot.fetch_add(1, std::memory_order_relaxed);
}

Stmt::~Stmt() { sqlite3_finalize(stmt_); }

void Stmt::NoteBind(int rc) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Stmt::BindInt(int index, int64_t value) { NoteBind(sqlite3_bind_int64(stmt_, index, value)); }

void Stmt::BindText(int index, std::string_view value) {
  NoteBind(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

void Stmt::BindTextNoCopy(int index, std::string_view value) {
  NoteBind(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8));
}

void Stmt::BindBlob(int index, std::string_view bytes) {
  NoteBind(sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT));
}

void Stmt::BindNull(int index) { NoteBind(sqlite3_bind_null(stmt_, index)); }

void Stmt::BindOptionalInt(int index, const std::optional<int64_t>& value) {
  if (value.has_value()) {
    BindInt(index, *value);
  } else {
    BindNull(index);
  }
}

void Stmt::BindTextOrNull(int index, std::string_view value) {
  if (value.empty()) {
    BindNull(index);
  } else {
    BindText(index, value);
  }
}

int Stmt::Step() {
  if (bind_rc_ != SQLITE_OK) return bind_rc_;
  return sqlite3_step(stmt_);
}

void Stmt::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_rc_ = SQLITE_OK;
}

bool Stmt::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

int64_t Stmt::Int(int col) const { return sqlite3_column_int64(stmt_, col); }

std::string Stmt::Text(int col) const { return std::string(TextView(col)); }

std::string_view Stmt::TextView(int col) const {
  // Works for TEXT and BLOB columns alike; the pointer must be fetched before the size.
  const void* data = sqlite3_column_blob(stmt_, col);
  int size = sqlite3_column_bytes(stmt_, col);
  if (data == nullptr) return std::string_view();
  return std::string_view(static_cast<const char*>(data), static_cast<size_t>(size));
}

std::optional<int64_t> Stmt::OptionalInt(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Int(col);
}

void Connection::Closer::operator()(sqlite3* db) const {
  int rc = sqlite3_close(db);
  // Defensive: every statement is finalized first, so close cannot be busy.
  if (rc != SQLITE_OK) LOG_ERROR("sqlite close failed (code " << rc << ")");
}

StatusOr<std::unique_ptr<Connection>> Connection::Open(const std::string& path, int busy_timeout_ms,
                                                       const char* vfs) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, vfs);
  // sqlite3_open_v2 hands back a handle even on failure; the Connection owns and closes it.
  std::unique_ptr<Connection> conn(new Connection(raw));
  if (rc != SQLITE_OK) {
    LOG_ERROR("sqlite cannot open database " << path << ": " << sqlite3_errstr(rc));
    return UnavailableError();
  }
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  return conn;
}

Connection::~Connection() {
  cache_.clear();
  by_slot_.clear();
}

StatusOr<std::unique_ptr<Stmt>> Connection::PrepareNew(std::string_view sql, std::string_view op) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  if (rc != SQLITE_OK) return Error(rc, op);
  return std::make_unique<Stmt>(raw);
}

StatusOr<StmtLease> Connection::Lease(Stmt& stmt, std::string_view op) {
  if (stmt.leased()) {
    // Defensive: a caller nested two uses of one SQL text; refuse rather than corrupt.
    LOG_ERROR("sqlite " << op << ": statement already in use on this connection");
    return InternalError();
  }
  return StmtLease(&stmt);
}

StatusOr<StmtLease> Connection::Prepare(std::string_view sql, std::string_view op) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    ASSIGN_OR_RETURN(auto stmt, PrepareNew(sql, op));
    it = cache_.emplace(std::string(sql), std::move(stmt)).first;
  }
  return Lease(*it->second, op);
}

StatusOr<StmtLease> Connection::Prepare(const CachedSql& sql, std::string_view op) {
  if (sql.slot() >= by_slot_.size()) by_slot_.resize(sql.slot() + 1);
  std::unique_ptr<Stmt>& stmt = by_slot_[sql.slot()];
  if (stmt == nullptr) {
    ASSIGN_OR_RETURN(stmt, PrepareNew(sql.text(), op));
  }
  return Lease(*stmt, op);
}

Status Connection::Drain(StmtLease stmt, std::string_view op) {
  int rc;
  while ((rc = stmt->Step()) == SQLITE_ROW) {
  }
  return rc == SQLITE_DONE ? OkStatus() : Error(rc, op);
}

Status Connection::Exec(std::string_view sql, std::string_view op) {
  ASSIGN_OR_RETURN(StmtLease stmt, Prepare(sql, op));
  return Drain(std::move(stmt), op);
}

Status Connection::Exec(const CachedSql& sql, std::string_view op) {
  ASSIGN_OR_RETURN(StmtLease stmt, Prepare(sql, op));
  return Drain(std::move(stmt), op);
}

Status Connection::ExecScript(const char* sql, std::string_view op) {
  int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? OkStatus() : Error(rc, op);
}

StatusOr<std::string> Connection::QueryText(std::string_view sql, std::string_view op) {
  ASSIGN_OR_RETURN(StmtLease stmt, Prepare(sql, op));
  int rc = stmt->Step();
  if (rc == SQLITE_DONE) return std::string();
  if (rc != SQLITE_ROW) return Error(rc, op);
  return stmt->Text(0);
}

Status Connection::Error(int rc, std::string_view op) const {
  return MapSqliteError(rc, db_.get(), op);
}

int64_t Connection::Changes() const { return sqlite3_changes64(db_.get()); }

bool Connection::InTransaction() const { return sqlite3_get_autocommit(db_.get()) == 0; }

StatusOr<int64_t> Connection::DataVersion() {
  static const CachedSql kSql("PRAGMA data_version");
  ASSIGN_OR_RETURN(StmtLease stmt, Prepare(kSql, "data_version"));
  int rc = stmt->Step();
  if (rc != SQLITE_ROW) return Error(rc, "data_version");
  return stmt->Int(0);
}

}  // namespace chime::store::sqlite
