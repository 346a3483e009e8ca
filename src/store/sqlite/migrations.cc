#include "store/sqlite/migrations.h"

#include <sqlite3.h>

#include <string>
#include <vector>

#include "common/log.h"

namespace chime::store::sqlite {
namespace {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// Append only: never edit a migration that has shipped; add a new one instead.
// Tables are STRICT so a wrongly typed bind fails loudly instead of being stored.
const std::vector<Migration>& AllMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "initial schema", R"sql(
-- seq orders keyset pagination. AUTOINCREMENT so a seq is never reused, even after the
-- newest row is deleted: a client holding that seq as its cursor must not skip a new row.
CREATE TABLE accounts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id TEXT NOT NULL UNIQUE,
  aws_account_id TEXT NOT NULL,
  name TEXT NOT NULL,
  account_type TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  default_license TEXT NOT NULL,
  supported_licenses TEXT NOT NULL,      -- JSON array of wire names
  status TEXT NOT NULL,
  signin_delegate_groups TEXT NOT NULL   -- JSON array of group names
) STRICT;
CREATE INDEX accounts_name ON accounts(name);

CREATE TABLE users (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT NOT NULL UNIQUE,
  account_id TEXT NOT NULL REFERENCES accounts(account_id),
  primary_email TEXT,                    -- NULL when the user has none (CreateUser allows it)
  primary_provisioned_number TEXT NOT NULL,
  display_name TEXT NOT NULL,
  license_type TEXT NOT NULL,
  user_type TEXT NOT NULL,
  registration_status TEXT NOT NULL,
  invitation_status TEXT,
  registered_ms INTEGER,
  invited_ms INTEGER,
  alexa_enabled INTEGER,                 -- NULL when there is no AlexaForBusinessMetadata
  alexa_room_arn TEXT,
  pin TEXT                               -- NULL until registration
) STRICT;
-- Rows of one account in seq order (the rowid rides along in the index).
CREATE INDEX users_account ON users(account_id);
-- NOCASE folds ASCII only, which is what email case-insensitivity means in practice.
CREATE UNIQUE INDEX users_account_email ON users(account_id, primary_email COLLATE NOCASE);
CREATE INDEX users_email ON users(primary_email COLLATE NOCASE);
-- Dial-in finds the user from the PIN alone, so a PIN is unique across the deployment.
CREATE UNIQUE INDEX users_pin ON users(pin);

CREATE TABLE retired_pins (
  pin TEXT PRIMARY KEY,
  retired_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Who reset whose PIN and when; never the PIN itself.
CREATE TABLE pin_reset_audit (
  id INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL,
  principal TEXT NOT NULL,
  account_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX pin_reset_audit_user ON pin_reset_audit(account_id, user_id);

CREATE TABLE documents (
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  json TEXT NOT NULL,
  PRIMARY KEY (kind, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX documents_key ON documents(key);

CREATE TABLE access_keys (
  access_key_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  encrypted_secret BLOB NOT NULL,
  session_token_hash TEXT,
  policy_json TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  last_used_ms INTEGER
) STRICT, WITHOUT ROWID;
)sql"},
      // The index cost every reset a write at a random place in a tree as large as the audit
      // table (the table itself only appends), and nothing chimed serves reads by it: the audit
      // is read in id order. Without it a durable reset costs about a sixth less CPU.
      {2, "drop the unused per-user audit index", R"sql(
DROP INDEX IF EXISTS pin_reset_audit_user;
)sql"},
  };
  return kMigrations;
}

StatusOr<int> CurrentVersion(Connection& conn) {
  RETURN_IF_ERROR(conn.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms INTEGER NOT NULL) STRICT",
      "migrations.create_table"));
  ASSIGN_OR_RETURN(std::string text, conn.QueryText("SELECT COALESCE(MAX(version), 0) "
                                                    "FROM schema_migrations",
                                                    "migrations.current"));
  return std::stoi(text);
}

Status RecordVersion(Connection& conn, const Migration& m) {
  ASSIGN_OR_RETURN(StmtLease stmt,
                   conn.Prepare("INSERT INTO schema_migrations(version, name, applied_ms) "
                                "VALUES (?1, ?2, unixepoch() * 1000)",
                                "migrations.record"));
  stmt->BindInt(1, m.version);
  stmt->BindText(2, m.name);
  int rc = stmt->Step();
  return rc == SQLITE_DONE ? OkStatus() : conn.Error(rc, "migrations.record");
}

Status Apply(Connection& conn, const Migration& m) {
  RETURN_IF_ERROR(conn.Exec("BEGIN IMMEDIATE", "migrations.begin"));
  Status s = conn.ExecScript(m.sql, "migrations.apply");
  if (s.ok()) s = RecordVersion(conn, m);
  if (s.ok()) s = conn.Exec("COMMIT", "migrations.commit");
  if (!s.ok()) {
    if (conn.InTransaction()) (void)conn.Exec("ROLLBACK", "migrations.rollback");
    LOG_ERROR("schema migration " << m.version << " (" << m.name << ") failed");
    return s;
  }
  LOG_INFO("applied schema migration " << m.version << " (" << m.name << ")");
  return OkStatus();
}

}  // namespace

int LatestSchemaVersion() { return AllMigrations().back().version; }

Status ApplyMigrations(Connection& conn) {
  ASSIGN_OR_RETURN(int current, CurrentVersion(conn));
  if (current > LatestSchemaVersion()) {
    LOG_ERROR("database schema version " << current << " is newer than this chimed knows ("
                                         << LatestSchemaVersion() << "); refusing to open it");
    return Internal("The database was written by a newer chimed (schema version " +
                    std::to_string(current) + ", this binary knows " +
                    std::to_string(LatestSchemaVersion()) + "); upgrade chimed.");
  }
  for (const Migration& m : AllMigrations()) {
    if (m.version > current) RETURN_IF_ERROR(Apply(conn, m));
  }
  return OkStatus();
}

}  // namespace chime::store::sqlite
