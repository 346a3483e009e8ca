// RAII over the SQLite C API. A Connection owns one sqlite3* and caches its prepared
// statements, so a statement is prepared once per connection and reused (reset) afterwards.
// A Stmt owns one sqlite3_stmt*. Neither is thread-safe: a connection belongs to one thread at
// a time (the writer thread, the checkpointer, or the reader that checked it out of the pool).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "store/sqlite/key_row_cache.h"

struct sqlite3;
struct sqlite3_stmt;

namespace chime::store::sqlite {

// A SQL text fixed for the life of the process (a function-local or namespace-scope static).
// Each gets a small process-wide number, so that a connection finds its prepared statement by
// indexing a vector: the hot paths neither build, hash nor compare SQL text per call.
class CachedSql {
 public:
  explicit CachedSql(std::string text);
  CachedSql(const CachedSql&) = delete;
  CachedSql& operator=(const CachedSql&) = delete;

  const std::string& text() const { return text_; }
  size_t slot() const { return slot_; }

 private:
  std::string text_;
  size_t slot_;
};

class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  // Parameters are 1-based, as in SQL (?1, ?2 ...). Values are copied. A bind failure is
  // remembered and reported by the next Step().
  void BindInt(int index, int64_t value);
  void BindText(int index, std::string_view value);
  // Binds without copying: `value` must stay alive and unchanged until the statement is reset
  // (the lease ends). For hot paths binding the caller's own arguments, saving a malloc each.
  void BindTextNoCopy(int index, std::string_view value);
  void BindBlob(int index, std::string_view bytes);
  void BindNull(int index);
  // NULL when absent.
  void BindOptionalInt(int index, const std::optional<int64_t>& value);
  // NULL when empty: for columns where "" means "none" (email, PIN) so UNIQUE ignores them.
  void BindTextOrNull(int index, std::string_view value);

  // SQLITE_ROW, SQLITE_DONE, or an error code.
  int Step();
  // Makes the statement reusable: resets it and clears its bindings.
  void Reset();

  // True while a StmtLease holds this statement; a second concurrent use would corrupt it.
  bool leased() const { return leased_; }
  void set_leased(bool leased) { leased_ = leased; }

  // Columns are 0-based.
  bool IsNull(int col) const;
  int64_t Int(int col) const;
  std::string Text(int col) const;  // "" for NULL
  // The column's bytes without a copy, valid until the next Step/Reset; "" for NULL.
  std::string_view TextView(int col) const;
  std::optional<int64_t> OptionalInt(int col) const;

 private:
  void NoteBind(int rc);

  sqlite3_stmt* stmt_;
  int bind_rc_ = 0;
  bool leased_ = false;
};

// A cached statement checked out for one use; resets it on scope exit, which also releases
// any read lock an unfinished SELECT holds.
class StmtLease {
 public:
  explicit StmtLease(Stmt* stmt) : stmt_(stmt) { stmt_->set_leased(true); }
  ~StmtLease() {
    if (stmt_ == nullptr) return;
    stmt_->Reset();
    stmt_->set_leased(false);
  }
  StmtLease(StmtLease&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  StmtLease& operator=(StmtLease&&) = delete;
  StmtLease(const StmtLease&) = delete;

  Stmt* operator->() const { return stmt_; }
  Stmt& operator*() const { return *stmt_; }

 private:
  Stmt* stmt_;
};

class Connection {
 public:
  // Opens an existing database file (the store creates the file itself, with mode 0600).
  // Extended result codes are on; the connection is for one thread at a time. `vfs` names a
  // registered SQLite VFS (nullptr: the default). kUnavailable when the file cannot be opened.
  static StatusOr<std::unique_ptr<Connection>> Open(const std::string& path, int busy_timeout_ms,
                                                    const char* vfs = nullptr);

  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The cached prepared statement for `sql` (one statement), prepared on first use.
  // `op` labels errors in the log.
  StatusOr<StmtLease> Prepare(std::string_view sql, std::string_view op);
  // The same for a fixed text: found by its slot, without hashing the text.
  StatusOr<StmtLease> Prepare(const CachedSql& sql, std::string_view op);
  // Runs one statement through the cache, discarding any rows (BEGIN, SAVEPOINT, PRAGMA ...).
  Status Exec(std::string_view sql, std::string_view op);
  Status Exec(const CachedSql& sql, std::string_view op);
  // Runs a script of several statements, uncached (migrations).
  Status ExecScript(const char* sql, std::string_view op);
  // The first column of the first row of `sql` as text ("" when there is no row).
  StatusOr<std::string> QueryText(std::string_view sql, std::string_view op);

  // Maps a failed result code of this connection (see sqlite_error.h).
  Status Error(int rc, std::string_view op) const;
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int64_t Changes() const;
  // False when SQLite is in autocommit mode: no transaction is open, including the case where
  // SQLite rolled one back on its own after an I/O error or a full disk.
  bool InTransaction() const;

  sqlite3* raw() const { return db_.get(); }

  // PRAGMA data_version: changes when another connection has committed. Starts the read
  // transaction if none is open yet (inside BEGIN, that fixes the snapshot).
  StatusOr<int64_t> DataVersion();
  // This connection's access-key rows (see key_row_cache.h); read connections only.
  KeyRowCache& key_rows() { return key_rows_; }

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  explicit Connection(sqlite3* db) : db_(db) {}
  StatusOr<std::unique_ptr<Stmt>> PrepareNew(std::string_view sql, std::string_view op);
  static StatusOr<StmtLease> Lease(Stmt& stmt, std::string_view op);
  Status Drain(StmtLease stmt, std::string_view op);

  // Declared first so it is destroyed last: every statement must be finalized before close.
  std::unique_ptr<sqlite3, Closer> db_;
  // Looked up by string_view (transparent hash): no std::string is built per Prepare.
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
  };
  std::unordered_map<std::string, std::unique_ptr<Stmt>, SqlHash, std::equal_to<>> cache_;
  // Statements of CachedSql texts, indexed by slot (null until first used here).
  std::vector<std::unique_ptr<Stmt>> by_slot_;
  KeyRowCache key_rows_;
};

}  // namespace chime::store::sqlite
