// Account operations of SqliteTx.
#include <string>

#include "store/sqlite/row_codec.h"
#include "store/sqlite/sqlite_tx.h"

namespace chime::store::sqlite {

StatusOr<model::Account> SqliteTx::GetAccount(const std::string& account_id) {
  static const CachedSql kSql(std::string("SELECT ") + kAccountColumns +
                              " FROM accounts WHERE account_id = ?1");
  ASSIGN_OR_RETURN(StmtLease stmt, conn_.Prepare(kSql, "accounts.get"));
  stmt->BindText(1, account_id);
  ASSIGN_OR_RETURN(bool row, StepRow(*stmt, "accounts.get"));
  if (!row) return AccountNotFound(account_id);
  ASSIGN_OR_RETURN(auto seq_and_account, ReadAccount(*stmt));
  return std::move(seq_and_account.second);
}

StatusOr<Page<model::Account>> SqliteTx::ListAccounts(const AccountQuery& query) {
  RETURN_IF_ERROR(CheckLimit(query.limit));
  const bool by_name = query.name_prefix.has_value() && !query.name_prefix->empty();
  const bool by_email = query.user_email.has_value();
  // One SQL text per filter combination, so each is prepared once and can use its own index.
  std::string sql = std::string("SELECT ") + kAccountColumns + " FROM accounts WHERE seq > ?1";
  // A range instead of LIKE: no wildcard escaping to get wrong, and the name index serves it.
  // Every string that starts with P sorts in [P, P || 0xFF): no UTF-8 text contains byte 0xFF.
  if (by_name) sql += " AND name >= ?2 AND name < ?3";
  if (by_email) {
    sql +=
        " AND account_id IN (SELECT account_id FROM users WHERE primary_email = ?4"
        " COLLATE NOCASE)";
  }
  sql += " ORDER BY seq LIMIT ?5";

  ASSIGN_OR_RETURN(StmtLease stmt, conn_.Prepare(sql, "accounts.list"));
  stmt->BindInt(1, query.after_seq);
  if (by_name) {
    stmt->BindText(2, *query.name_prefix);
    stmt->BindText(3, *query.name_prefix + '\xFF');
  }
  if (by_email) stmt->BindText(4, *query.user_email);
  stmt->BindInt(5, static_cast<int64_t>(query.limit) + 1);
  return ReadPage<model::Account>(*stmt, query.limit, &ReadAccount, "accounts.list");
}

Status SqliteTx::InsertAccount(const model::Account& account) {
  RETURN_IF_ERROR(RequireWritable("InsertAccount"));
  static const CachedSql kExists("SELECT 1 FROM accounts WHERE account_id = ?1");
  ASSIGN_OR_RETURN(bool exists, Exists(kExists, "accounts.exists", account.account_id));
  if (exists) return Conflict("An account with this ID already exists.");
  ASSIGN_OR_RETURN(StmtLease stmt,
                   conn_.Prepare("INSERT INTO accounts(account_id, aws_account_id, name, "
                                 "account_type, created_ms, default_license, supported_licenses, "
                                 "status, signin_delegate_groups) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                                 "accounts.insert"));
  BindAccount(*stmt, account);
  return StepDone(*stmt, "accounts.insert");
}

Status SqliteTx::UpdateAccount(const model::Account& account) {
  RETURN_IF_ERROR(RequireWritable("UpdateAccount"));
  ASSIGN_OR_RETURN(StmtLease stmt,
                   conn_.Prepare("UPDATE accounts SET aws_account_id = ?2, name = ?3, "
                                 "account_type = ?4, created_ms = ?5, default_license = ?6, "
                                 "supported_licenses = ?7, status = ?8, "
                                 "signin_delegate_groups = ?9 WHERE account_id = ?1",
                                 "accounts.update"));
  BindAccount(*stmt, account);
  RETURN_IF_ERROR(StepDone(*stmt, "accounts.update"));
  return conn_.Changes() == 1 ? OkStatus() : AccountNotFound(account.account_id);
}

Status SqliteTx::DeleteAccount(const std::string& account_id, int64_t now_ms) {
  RETURN_IF_ERROR(RequireWritable("DeleteAccount"));
  RETURN_IF_ERROR(RequireAccount(account_id));
  // Several statements, so a savepoint of its own: a caller that ignores a failure here must
  // not commit half an account deletion (PINs retired but users still present, say).
  RETURN_IF_ERROR(conn_.Exec("SAVEPOINT delete_account", "accounts.delete.savepoint"));
  Status s = DeleteAccountRows(account_id, now_ms);
  if (s.ok()) return conn_.Exec("RELEASE delete_account", "accounts.delete.release");
  if (conn_.InTransaction()) {
    (void)conn_.Exec("ROLLBACK TO delete_account", "accounts.delete.rollback");
    (void)conn_.Exec("RELEASE delete_account", "accounts.delete.release");
  }
  return s;
}

Status SqliteTx::DeleteAccountRows(const std::string& account_id, int64_t now_ms) {
  // Order matters: PINs and documents are found through the users, so users go last but one.
  {
    ASSIGN_OR_RETURN(StmtLease stmt,
                     conn_.Prepare("INSERT OR IGNORE INTO retired_pins(pin, retired_ms) "
                                   "SELECT pin, ?2 FROM users "
                                   "WHERE account_id = ?1 AND pin IS NOT NULL",
                                   "accounts.delete.retire_pins"));
    stmt->BindText(1, account_id);
    stmt->BindInt(2, now_ms);
    RETURN_IF_ERROR(StepDone(*stmt, "accounts.delete.retire_pins"));
  }
  {
    ASSIGN_OR_RETURN(StmtLease stmt,
                     conn_.Prepare("DELETE FROM documents WHERE key = ?1 "
                                   "OR (key >= ?2 AND key < ?3) "
                                   "OR key IN (SELECT user_id FROM users WHERE account_id = ?1)",
                                   "accounts.delete.documents"));
    stmt->BindText(1, account_id);
    stmt->BindText(2, account_id + "/");
    stmt->BindText(3, account_id + "/\xFF");
    RETURN_IF_ERROR(StepDone(*stmt, "accounts.delete.documents"));
  }
  for (const char* sql :
       {"DELETE FROM users WHERE account_id = ?1", "DELETE FROM accounts WHERE account_id = ?1"}) {
    ASSIGN_OR_RETURN(StmtLease stmt, conn_.Prepare(sql, "accounts.delete"));
    stmt->BindText(1, account_id);
    RETURN_IF_ERROR(StepDone(*stmt, "accounts.delete"));
  }
  return OkStatus();
}

}  // namespace chime::store::sqlite
