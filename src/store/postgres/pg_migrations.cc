#include "store/postgres/pg_migrations.h"

#include <string>
#include <vector>

#include "common/log.h"

namespace chime::store::postgres {
namespace {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// 'chmd': the advisory lock key every chimed uses while migrating.
constexpr char kMigrationLock[] = "SELECT pg_advisory_lock(1667787108)";
constexpr char kMigrationUnlock[] = "SELECT pg_advisory_unlock(1667787108)";

// Append only: never edit a migration that has shipped; add a new one instead.
const std::vector<Migration>& AllMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "initial schema", R"sql(
-- Email case-insensitivity folds ASCII only, exactly like SQLite's NOCASE, whatever the
-- database's locale; IMMUTABLE so that indexes can use it.
CREATE FUNCTION chimed_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT translate($1, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') $$;

-- seq orders keyset pagination; an identity never hands out a value twice.
CREATE TABLE accounts (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id TEXT NOT NULL UNIQUE,
  aws_account_id TEXT NOT NULL,
  name TEXT NOT NULL,
  account_type TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  default_license TEXT NOT NULL,
  supported_licenses TEXT NOT NULL,      -- JSON array of wire names
  status TEXT NOT NULL,
  signin_delegate_groups TEXT NOT NULL   -- JSON array of group names
);
CREATE INDEX accounts_name ON accounts(name);

CREATE TABLE users (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id TEXT NOT NULL UNIQUE,
  account_id TEXT NOT NULL REFERENCES accounts(account_id),
  primary_email TEXT,                    -- NULL when the user has none
  primary_provisioned_number TEXT NOT NULL,
  display_name TEXT NOT NULL,
  license_type TEXT NOT NULL,
  user_type TEXT NOT NULL,
  registration_status TEXT NOT NULL,
  invitation_status TEXT,
  registered_ms BIGINT,
  invited_ms BIGINT,
  alexa_enabled BOOLEAN,                 -- NULL when there is no AlexaForBusinessMetadata
  alexa_room_arn TEXT,
  pin TEXT                               -- NULL until registration
);
CREATE INDEX users_account ON users(account_id, seq);
CREATE UNIQUE INDEX users_account_email ON users(account_id, chimed_fold(primary_email));
CREATE INDEX users_email ON users(chimed_fold(primary_email));
-- Dial-in finds the user from the PIN alone, so a PIN is unique across the deployment.
CREATE UNIQUE INDEX users_pin ON users(pin);

CREATE TABLE retired_pins (
  pin TEXT PRIMARY KEY,
  retired_ms BIGINT NOT NULL
);

-- A retired PIN is never issued again: enforced here too, not only by the callers' check.
CREATE FUNCTION chimed_refuse_retired_pin() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.pin IS NOT NULL AND EXISTS (SELECT 1 FROM retired_pins WHERE pin = NEW.pin) THEN
    RAISE EXCEPTION 'PIN is retired' USING ERRCODE = 'unique_violation',
      CONSTRAINT = 'retired_pins_pkey';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER users_pin_not_retired BEFORE INSERT OR UPDATE OF pin ON users
  FOR EACH ROW EXECUTE FUNCTION chimed_refuse_retired_pin();

-- Who reset whose PIN and when; never the PIN itself.
CREATE TABLE pin_reset_audit (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id TEXT NOT NULL,
  principal TEXT NOT NULL,
  account_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  at_ms BIGINT NOT NULL
);
CREATE INDEX pin_reset_audit_user ON pin_reset_audit(account_id, user_id);

CREATE TABLE documents (
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  json TEXT NOT NULL,
  PRIMARY KEY (kind, key)
);
CREATE INDEX documents_key ON documents(key);

CREATE TABLE access_keys (
  access_key_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  encrypted_secret BYTEA NOT NULL,
  session_token_hash TEXT,
  policy_json TEXT NOT NULL,
  enabled BOOLEAN NOT NULL,
  created_ms BIGINT NOT NULL,
  last_used_ms BIGINT
);

-- PostgreSQL only: one row per write transaction, written inside it, so that a COMMIT whose
-- answer was lost (connection dropped, failover) can be resolved afterwards by looking for the
-- row (pg_writer.cc). Old rows are swept by the writers.
CREATE TABLE chimed_commit_markers (
  token TEXT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX chimed_commit_markers_created ON chimed_commit_markers(created_at);
)sql"},
      // The index cost every reset a write at a random place in a tree as large as the audit
      // table (the table itself only appends), and nothing chimed serves reads by it: the audit
      // is read in id order. Without it a durable reset costs about a sixth less CPU.
      {2, "drop the unused per-user audit index", R"sql(
DROP INDEX IF EXISTS pin_reset_audit_user;
)sql"},
      // A batch of resets commits in the round trip of its statement (pg_pipelined_resets.h),
      // so an interrupted COMMIT must say which of its resets took effect, not only whether it
      // committed: the statement lists their positions in its marker. NULL for other writes.
      {3, "commit markers list the resets they committed", R"sql(
ALTER TABLE chimed_commit_markers ADD COLUMN resets BIGINT[];
)sql"},
      // A PIN is never issued twice: before, that rested on the users_pin index (held PINs),
      // retired_pins (given-up ones) and, in between, SERIALIZABLE's conflict detection, which
      // sees only SERIALIZABLE transactions. One key for every PIN ever set holds at any
      // isolation level, so resets can run READ COMMITTED in several writers
      // (pg_writer_resets.cc). The users trigger records each PIN a user is given; giving one
      // that is on record fails with 23505 on issued_pins_pkey, whatever the transaction's
      // snapshot.
      // Locks first, so that no write slips in between the copy and the new trigger, and at
      // once in the mode DROP TRIGGER needs (no upgrade that could deadlock with an older
      // chimed's transaction). Bounded: a long reader (a pg_dump) fails the migration, and so
      // chimed's start, after a few seconds, instead of queueing every request behind it.
      {4, "one record of every PIN ever issued", R"sql(
SET LOCAL lock_timeout = '5s';
LOCK TABLE users, retired_pins IN ACCESS EXCLUSIVE MODE;
CREATE TABLE issued_pins (
  pin TEXT PRIMARY KEY
);
INSERT INTO issued_pins(pin)
  SELECT pin FROM users WHERE pin IS NOT NULL AND pin <> ''
  UNION SELECT pin FROM retired_pins;
DROP TRIGGER users_pin_not_retired ON users;
DROP FUNCTION chimed_refuse_retired_pin();
CREATE FUNCTION chimed_record_issued_pin() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.pin IS NOT NULL AND NEW.pin <> ''
     AND (TG_OP = 'INSERT' OR NEW.pin IS DISTINCT FROM OLD.pin) THEN
    INSERT INTO issued_pins(pin) VALUES (NEW.pin);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER users_pin_issued_once BEFORE INSERT OR UPDATE OF pin ON users
  FOR EACH ROW EXECUTE FUNCTION chimed_record_issued_pin();
-- A PIN retired that no user held here (a copy's, chimed migrate-store) goes on record too.
-- Once per statement: a batch of resets retires its users' PINs in one.
CREATE FUNCTION chimed_record_retired_pins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO issued_pins(pin) SELECT pin FROM retired ON CONFLICT (pin) DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER retired_pins_issued AFTER INSERT ON retired_pins
  REFERENCING NEW TABLE AS retired FOR EACH STATEMENT
  EXECUTE FUNCTION chimed_record_retired_pins();
)sql"},
      // Since migration 4, issued_pins' key refuses any PIN given before, held or retired, so
      // the unique index on users.pin checks nothing more, and no query looks users up by PIN.
      // Without it, a reset changes no indexed column of its user, so PostgreSQL can update
      // the row in place (a HOT update) instead of adding an entry to each of the table's five
      // indexes.
      {5, "drop the users.pin index that issued_pins makes redundant", R"sql(
DROP INDEX IF EXISTS users_pin;
)sql"},
      // A reset puts the PIN it retires on its audit row, which it writes anyway, instead of
      // inserting a row into retired_pins: that second row, its ON CONFLICT insert and the
      // table's statement trigger cost PostgreSQL about a sixth of its CPU per reset
      // (bench/RESULTS-postgres.md). A reset's old PIN is on issued_pins already, so nothing
      // is refused differently. retired_pins keeps the PINs retired otherwise (deleted users
      // and accounts, copies, an older chimed's resets during a rollout); all_retired_pins
      // lists both. Both are indexed in byte order, the order ListRetiredPins pages in, so a
      // page reads a page's worth of each. Its locks are bounded as in 4.
      {6, "resets record the PIN they retire on their audit row", R"sql(
SET LOCAL lock_timeout = '5s';
ALTER TABLE pin_reset_audit ADD COLUMN retired_pin TEXT;
CREATE INDEX pin_reset_audit_retired_pin ON pin_reset_audit ((retired_pin COLLATE "C"))
  WHERE retired_pin IS NOT NULL;
CREATE INDEX retired_pins_in_byte_order ON retired_pins ((pin COLLATE "C"));
CREATE VIEW all_retired_pins AS
  SELECT pin, retired_ms FROM retired_pins
  UNION ALL
  SELECT retired_pin, at_ms FROM pin_reset_audit WHERE retired_pin IS NOT NULL;
)sql"},
  };
  return kMigrations;
}

StatusOr<int> CurrentVersion(PgConnection& conn) {
  RETURN_IF_ERROR(
      conn.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                "name TEXT NOT NULL, applied_ms BIGINT NOT NULL)",
                "migrations.create_table"));
  ASSIGN_OR_RETURN(std::string text,
                   conn.QueryText("SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                                  "migrations.current"));
  return std::stoi(text);
}

Status Apply(PgConnection& conn, const Migration& m) {
  Params p;
  p.Int(m.version).Text(m.name);
  Status s = conn.Exec("BEGIN", "migrations.begin");
  if (s.ok()) s = conn.Exec(m.sql, "migrations.apply");
  if (s.ok()) {
    s = conn.Query(
                "INSERT INTO schema_migrations(version, name, applied_ms) "
                "VALUES ($1, $2, (extract(epoch FROM now()) * 1000)::bigint)",
                p, "migrations.record")
            .status();
  }
  if (s.ok()) s = conn.Exec("COMMIT", "migrations.commit");
  if (!s.ok()) {
    (void)conn.Exec("ROLLBACK", "migrations.rollback");
    LOG_ERROR("schema migration " << m.version << " (" << m.name << ") failed");
    return s;
  }
  LOG_INFO("applied schema migration " << m.version << " (" << m.name << ")");
  return OkStatus();
}

Status MigrateLocked(PgConnection& conn, int version) {
  ASSIGN_OR_RETURN(int current, CurrentVersion(conn));
  if (current > LatestSchemaVersion()) {
    LOG_ERROR("database schema version " << current << " is newer than this chimed knows ("
                                         << LatestSchemaVersion() << "); refusing to open it");
    return Internal("The database was written by a newer chimed (schema version " +
                    std::to_string(current) + ", this binary knows " +
                    std::to_string(LatestSchemaVersion()) + "); upgrade chimed.");
  }
  for (const Migration& m : AllMigrations()) {
    if (m.version > current && m.version <= version) RETURN_IF_ERROR(Apply(conn, m));
  }
  return OkStatus();
}

}  // namespace

int LatestSchemaVersion() { return AllMigrations().back().version; }

Status ApplyMigrations(PgConnection& conn, int version) {
  // Waits while another instance migrates; released at unlock or when the session ends.
  RETURN_IF_ERROR(conn.Exec(kMigrationLock, "migrations.lock"));
  Status s = MigrateLocked(conn, version);
  (void)conn.Exec(kMigrationUnlock, "migrations.unlock");
  return s;
}

}  // namespace chime::store::postgres
