// SqliteTx::ResetPin: ResetPersonalPIN's write in as few statements as SQLite allows. The
// default composition (store.cc) reads the account, reads the user twice, probes every candidate
// with a query and rewrites the row; here the user row is read once and each candidate is
// tried by the UPDATE itself.
#include <sqlite3.h>

#include "common/log.h"
#include "model/lifecycle.h"
#include "model/pin.h"
#include "store/sqlite/sqlite_tx.h"

namespace chime::store::sqlite {

StatusOr<model::User> SqliteTx::ResetPin(const PinResetAudit& audit, RandomSource& random,
                                         int max_attempts) {
  RETURN_IF_ERROR(RequireWritable("ResetPin"));
  auto row = ReadUserRow(audit.account_id, audit.user_id);
  if (!row.ok()) {
    // users.account_id references accounts, so a user row proves its account exists; only a
    // miss needs a second query, to name the account when that is what is missing.
    if (row.status().code() == Code::kNotFound) RETURN_IF_ERROR(RequireAccount(audit.account_id));
    return row.status();
  }
  auto& [seq, user] = *row;
  RETURN_IF_ERROR(model::CheckPinReset(user));

  // A savepoint of its own: a store error in a later statement (disk full, I/O) must not leave
  // the earlier ones applied, even for a caller that goes on after the error.
  static const CachedSql kSavepoint("SAVEPOINT reset_pin");
  static const CachedSql kRelease("RELEASE reset_pin");
  static const CachedSql kRollback("ROLLBACK TO reset_pin");
  RETURN_IF_ERROR(conn_.Exec(kSavepoint, "reset_pin.savepoint"));
  auto pin = ApplyPinReset(seq, user.personal_pin, audit, random, max_attempts);
  if (pin.ok()) {
    RETURN_IF_ERROR(conn_.Exec(kRelease, "reset_pin.release"));
    user.personal_pin = std::move(*pin);
    return std::move(user);
  }
  // If this fails too, SQLite has given up the transaction: the writer notices and fails the
  // batch, so nothing of it is written either way.
  if (conn_.InTransaction() && conn_.Exec(kRollback, "reset_pin.rollback").ok()) {
    (void)conn_.Exec(kRelease, "reset_pin.release");
  }
  return pin.status();
}

StatusOr<std::string> SqliteTx::ApplyPinReset(int64_t seq, const std::string& previous,
                                              const PinResetAudit& audit, RandomSource& random,
                                              int max_attempts) {
  // The UPDATE is the probe: the UNIQUE index on users.pin refuses another user's PIN (an
  // aborted statement leaves nothing behind), and NOT EXISTS skips a retired one (no row
  // changes). By seq, the rowid: no index lookup for the row we just read.
  static const CachedSql kTry(
      "UPDATE users SET pin = ?1 WHERE seq = ?2 "
      "AND NOT EXISTS (SELECT 1 FROM retired_pins WHERE pin = ?1)");
  auto try_candidate = [&](const std::string& candidate) -> StatusOr<bool> {
    ASSIGN_OR_RETURN(StmtLease stmt, conn_.Prepare(kTry, "reset_pin.try"));
    stmt->BindTextNoCopy(1, candidate);  // outlives the lease
    stmt->BindInt(2, seq);
    int rc = stmt->Step();
    if (rc == SQLITE_CONSTRAINT_UNIQUE) return true;  // another user's PIN
    if (rc != SQLITE_DONE) return conn_.Error(rc, "reset_pin.try");
    return conn_.Changes() == 0;  // retired (the row exists: it was read in this transaction)
  };
  // AllocatePin keeps the rules (never the previous PIN, how many attempts, the message when
  // they run out); "taken" here means "the UPDATE did not take it".
  ASSIGN_OR_RETURN(std::string pin,
                   model::AllocatePin(random, try_candidate, previous, max_attempts));

  {
    ASSIGN_OR_RETURN(StmtLease stmt, conn_.Prepare(RetirePinSql(), "pins.retire"));
    stmt->BindTextNoCopy(1, previous);  // outlives the lease
    stmt->BindInt(2, audit.at_ms);
    RETURN_IF_ERROR(StepDone(*stmt, "pins.retire"));
  }
  RETURN_IF_ERROR(InsertPinResetAudit(audit));
  return pin;
}

}  // namespace chime::store::sqlite
