// Account operations of PgTx.
#include <string>

#include "store/postgres/pg_row_codec.h"
#include "store/postgres/pg_tx.h"

namespace chime::store::postgres {

StatusOr<model::Account> PgTx::GetAccount(const std::string& account_id) {
  Params p;
  p.Text(account_id);
  ASSIGN_OR_RETURN(PgResult r, Run(std::string("SELECT ") + kAccountColumns +
                                       " FROM accounts WHERE account_id = $1",
                                   p, "accounts.get"));
  if (r.rows() == 0) return AccountNotFound(account_id);
  ASSIGN_OR_RETURN(auto seq_and_account, ReadAccount(r, 0));
  return std::move(seq_and_account.second);
}

StatusOr<Page<model::Account>> PgTx::ListAccounts(const AccountQuery& query) {
  RETURN_IF_ERROR(CheckLimit(query.limit));
  const bool by_name = query.name_prefix.has_value() && !query.name_prefix->empty();
  const bool by_email = query.user_email.has_value();
  // One SQL text per filter combination, so each is prepared once with its own plan.
  Params p;
  p.Int(query.after_seq).Int(static_cast<int64_t>(query.limit) + 1);
  std::string sql = std::string("SELECT ") + kAccountColumns + " FROM accounts WHERE seq > $1";
  // starts_with, not LIKE: no wildcard escaping to get wrong.
  if (by_name) {
    p.Text(*query.name_prefix);
    sql += " AND starts_with(name, $" + std::to_string(p.size()) + ")";
  }
  if (by_email) {
    p.Text(*query.user_email);
    sql +=
        " AND account_id IN (SELECT account_id FROM users WHERE chimed_fold(primary_email) = "
        "chimed_fold($" +
        std::to_string(p.size()) + "))";
  }
  sql += " ORDER BY seq LIMIT $2";
  ASSIGN_OR_RETURN(PgResult r, Run(sql, p, "accounts.list"));
  return ReadPage<model::Account>(r, query.limit, &ReadAccount);
}

Status PgTx::InsertAccount(const model::Account& account) {
  RETURN_IF_ERROR(RequireWritable("InsertAccount"));
  Params id;
  id.Text(account.account_id);
  ASSIGN_OR_RETURN(bool exists,
                   Exists("SELECT 1 FROM accounts WHERE account_id = $1", id, "accounts.exists"));
  if (exists) return Conflict("An account with this ID already exists.");
  RETURN_IF_ERROR(LockSeqOrder("accounts", ""));
  Params p;
  AddAccount(p, account);
  return Run("INSERT INTO accounts(account_id, aws_account_id, name, account_type, created_ms, "
             "default_license, supported_licenses, status, signin_delegate_groups) "
             "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
             p, "accounts.insert")
      .status();
}

Status PgTx::UpdateAccount(const model::Account& account) {
  RETURN_IF_ERROR(RequireWritable("UpdateAccount"));
  Params p;
  AddAccount(p, account);
  ASSIGN_OR_RETURN(PgResult r,
                   Run("UPDATE accounts SET aws_account_id = $2, name = $3, account_type = $4, "
                       "created_ms = $5, default_license = $6, supported_licenses = $7, "
                       "status = $8, signin_delegate_groups = $9 WHERE account_id = $1",
                       p, "accounts.update"));
  return r.affected() == 1 ? OkStatus() : AccountNotFound(account.account_id);
}

Status PgTx::DeleteAccount(const std::string& account_id, int64_t now_ms) {
  RETURN_IF_ERROR(RequireWritable("DeleteAccount"));
  RETURN_IF_ERROR(RequireAccount(account_id));
  // One statement, so it is all or nothing without a savepoint of its own. The PINs retired are
  // those of the rows actually deleted (RETURNING), whatever a concurrent reset committed.
  Params p;
  p.Text(account_id).Int(now_ms);
  return Run("WITH gone AS (DELETE FROM users WHERE account_id = $1 RETURNING user_id, pin), "
             "docs AS (DELETE FROM documents WHERE key = $1 OR starts_with(key, $1 || '/') "
             "  OR key IN (SELECT user_id FROM gone)), "
             "retired AS (INSERT INTO retired_pins(pin, retired_ms) "
             "  SELECT pin, $2 FROM gone WHERE pin IS NOT NULL ON CONFLICT (pin) DO NOTHING) "
             "DELETE FROM accounts WHERE account_id = $1",
             p, "accounts.delete")
      .status();
}

}  // namespace chime::store::postgres
