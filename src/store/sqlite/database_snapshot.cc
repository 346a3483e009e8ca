#include "store/sqlite/database_snapshot.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace chime::store::sqlite {
namespace {

struct Closer {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, Closer>;

// `flags` decide read-only or read-write; never SQLITE_OPEN_CREATE: both files exist by now.
StatusOr<Db> OpenDb(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_EXRESCODE, nullptr);
  Db db(raw);  // sqlite3_open_v2 hands back a handle even on failure
  if (rc != SQLITE_OK) {
    return Unavailable("Cannot open " + path + ": " + sqlite3_errstr(rc) + ".");
  }
  sqlite3_busy_timeout(db.get(), 5000);
  return db;
}

}  // namespace

StatusOr<int> ReadSchemaVersion(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return NotFound("There is no database at " + path + ".");
    return Unavailable("Cannot read " + path + ": " + std::strerror(errno) + ".");
  }
  if (!S_ISREG(st.st_mode)) return InvalidArgument(path + " is not a file.");
  ASSIGN_OR_RETURN(Db db, OpenDb(path, SQLITE_OPEN_READONLY));
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db.get(), "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                              -1, &raw, nullptr);
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt.get());
  if (rc == SQLITE_ROW) return sqlite3_column_int(stmt.get(), 0);
  rc &= 0xff;  // the primary code of an extended one
  if (rc == SQLITE_NOTADB) return InvalidArgument(path + " is not a SQLite database.");
  if (rc == SQLITE_ERROR) {  // no schema_migrations table (SQLite says so only in the message)
    return InvalidArgument(path + " is not a chimed database (" + sqlite3_errmsg(db.get()) + ").");
  }
  return Unavailable("Cannot read " + path + ": " + sqlite3_errstr(rc) + ".");
}

Status SnapshotDatabase(const std::string& from, const std::string& to) {
  ASSIGN_OR_RETURN(Db source, OpenDb(from, SQLITE_OPEN_READONLY));
  // Created here, not by SQLite, for the mode: the copy holds PINs and encrypted secrets.
  int fd = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Conflict(to + " already exists.");
    return Unavailable("Cannot create " + to + ": " + std::strerror(errno) + ".");
  }
  ::close(fd);
  ASSIGN_OR_RETURN(Db dest, OpenDb(to, SQLITE_OPEN_READWRITE));
  sqlite3_backup* backup = sqlite3_backup_init(dest.get(), "main", source.get(), "main");
  if (backup == nullptr) {
    return Unavailable("Cannot copy " + from + ": " + sqlite3_errmsg(dest.get()) + ".");
  }
  // All pages in one step, retried while another process holds a lock on the source.
  int rc;
  while ((rc = sqlite3_backup_step(backup, -1) & 0xff) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    sqlite3_sleep(10);
  }
  int finish = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE || finish != SQLITE_OK) {
    return Unavailable("Copying " + from + " to " + to +
                       " failed: " + sqlite3_errstr(rc != SQLITE_DONE ? rc : finish) + ".");
  }
  return OkStatus();
}

}  // namespace chime::store::sqlite
