// Helpers shared by the Tx operations; the operations themselves live in sqlite_tx_*.cc.
#include "store/sqlite/sqlite_tx.h"

#include <sqlite3.h>

#include "common/log.h"
#include "store/sqlite/sqlite_error.h"

namespace chime::store::sqlite {

Status SqliteTx::RequireWritable(std::string_view op) const {
  if (writable_) return OkStatus();
  // A bug in the caller, not a client error: a Read callback tried to write.
  LOG_ERROR("store " << op << " called inside a read transaction");
  return InternalError();
}

StatusOr<bool> SqliteTx::StepRow(Stmt& stmt, std::string_view op) {
  int rc = stmt.Step();
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return conn_.Error(rc, op);
}

Status SqliteTx::StepDone(Stmt& stmt, std::string_view op) {
  int rc = stmt.Step();
  return rc == SQLITE_DONE ? OkStatus() : conn_.Error(rc, op);
}

StatusOr<bool> SqliteTx::Exists(const CachedSql& sql, std::string_view op, std::string_view a,
                                std::optional<std::string_view> b) {
  ASSIGN_OR_RETURN(StmtLease stmt, conn_.Prepare(sql, op));
  stmt->BindText(1, a);
  if (b.has_value()) stmt->BindText(2, *b);
  return StepRow(*stmt, op);
}

Status SqliteTx::RequireAccount(const std::string& account_id) {
  static const CachedSql kSql("SELECT 1 FROM accounts WHERE account_id = ?1");
  ASSIGN_OR_RETURN(bool exists, Exists(kSql, "accounts.exists", account_id));
  return exists ? OkStatus() : AccountNotFound(account_id);
}

}  // namespace chime::store::sqlite
