#include "server/readiness.h"

#include <sqlite3.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <memory>

#include "common/log.h"
#include "store/sqlite/migrations.h"

namespace chime::server {
namespace {

Status NotReady(const std::string& why) {
  return Unavailable("Not ready: " + why + ".").WithRetryAfterMs(1000);
}

std::string DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

StoreReadiness::StoreReadiness(store::Store& store, std::string db_path, int64_t min_free_bytes)
    : store_(store),
      db_path_(std::move(db_path)),
      dir_(DirOf(db_path_)),
      min_free_bytes_(min_free_bytes) {}

std::string SqlitePathFor(const std::string& store_url, const std::string& data_dir) {
  if (store_url.empty()) return data_dir + "/chimed.db";
  if (store_url.rfind("sqlite:", 0) == 0) return store_url.substr(7);
  return "";
}

void StoreReadiness::Check(std::function<void(Status)> done) {
  if (!db_path_.empty()) {
    if (Status s = CheckFiles(); !s.ok()) return done(s);
    if (Status s = CheckSchema(); !s.ok()) return done(s);
  }
  // An empty write transaction: BEGIN IMMEDIATE and COMMIT through the writer queue.
  store_.Write([](store::Tx&) { return OkStatus(); },
               [done](Status s) { done(s.ok() ? s : NotReady("the store refuses writes")); });
}

Status StoreReadiness::CheckFiles() const {
  if (::access(db_path_.c_str(), R_OK | W_OK) != 0 || ::access(dir_.c_str(), W_OK) != 0) {
    return NotReady("the database is not writable");
  }
  struct statvfs fs {};
  if (::statvfs(dir_.c_str(), &fs) != 0) return NotReady("the data directory cannot be examined");
  int64_t free_bytes = static_cast<int64_t>(fs.f_bavail) * static_cast<int64_t>(fs.f_frsize);
  if (free_bytes < min_free_bytes_) return NotReady("the disk is full");
  return OkStatus();
}

Status StoreReadiness::CheckSchema() const {
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(db_path_.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
  if (rc != SQLITE_OK) return NotReady("the database cannot be opened");
  sqlite3_busy_timeout(raw, 1000);
  sqlite3_stmt* stmt = nullptr;
  rc = sqlite3_prepare_v2(raw, "SELECT max(version) FROM schema_migrations", -1, &stmt, nullptr);
  int64_t version = -1;
  if (rc == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) version = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  if (version != store::sqlite::LatestSchemaVersion()) {
    return NotReady("database migrations are not complete");
  }
  return OkStatus();
}

}  // namespace chime::server
