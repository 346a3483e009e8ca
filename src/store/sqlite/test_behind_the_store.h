// Test helpers that reach a database file with a connection of the test's own, behind the
// store's back: to arrange a state the store would never write, or to check one it must not.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <string>

namespace chime::store::sqlite {

// Runs `sql` (one or more statements).
inline void ExecBehindTheStore(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sql;
  sqlite3_close(db);
}

// The first column of the first row of `sql`, read through a read-only connection; -1 for none.
inline int64_t QueryBehindTheStore(const std::string& path, const char* sql) {
  int64_t value = -1;
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr), SQLITE_OK) << sql;
  if (sqlite3_step(stmt) == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

// Turns a closed database at the latest schema back into what schema version 1 left: the
// per-user audit index that migration 2 drops, and no record of any later migration.
inline void RewindToSchemaVersionOne(const std::string& path) {
  ExecBehindTheStore(path,
                     "CREATE INDEX pin_reset_audit_user ON pin_reset_audit(account_id, user_id);"
                     "DELETE FROM schema_migrations WHERE version > 1");
}

}  // namespace chime::store::sqlite
