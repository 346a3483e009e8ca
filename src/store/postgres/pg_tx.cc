// Helpers shared by the Tx operations; the operations themselves live in pg_tx_*.cc.
#include "store/postgres/pg_tx.h"

#include "common/log.h"

namespace chime::store::postgres {

Status PgTx::RequireWritable(std::string_view op) const {
  if (writable_) return OkStatus();
  // A bug in the caller, not a client error: a Read callback tried to write.
  LOG_ERROR("store " << op << " called inside a read transaction");
  return InternalError();
}

StatusOr<PgResult> PgTx::Run(std::string_view sql, const Params& params, std::string_view op) {
  if (health_.failed) return health_.status;
  if (single_statement_) {
    LOG_ERROR("store " << op << " ran as a second statement of a one-statement read");
    health_.failed = true;
    health_.status = InternalError();
    return health_.status;
  }
  auto result = begin_.has_value() ? BeginWith(sql, params, op) : conn_->Query(sql, params, op);
  if (!result.ok()) {
    health_.failed = true;
    // No connection left: BeginWith's replacement found no server (the lost one is gone).
    health_.failure = conn_ != nullptr ? conn_->last_failure() : Failure::kConnection;
    health_.status = result.status();
  }
  return result;
}

StatusOr<PgResult> PgTx::RunChecked(std::string_view sql, const Params& params,
                                    std::string_view op) {
  auto result = Run(sql, params, op);
  if (!result.ok() && health_.failure == Failure::kStatement &&
      result.status().code() == Code::kConflict) {
    health_.failure = Failure::kSerialization;
    health_.status = UnavailableError();
    return health_.status;
  }
  return result;
}

StatusOr<PgResult> PgTx::BeginWith(std::string_view sql, const Params& params,
                                   std::string_view op) {
  DeferredBegin begin = std::move(*begin_);
  begin_.reset();  // from here on there is a transaction (or an error the caller rolls back)
  single_statement_ = begin.sql.empty();
  auto run = [&] {
    return single_statement_ ? conn_->Query(sql, params, op)
                             : conn_->BeginAndQuery(begin.sql, sql, params, op);
  };
  auto result = run();
  if (result.ok() || conn_->last_failure() != Failure::kConnection || !begin.replace) {
    return result;
  }
  // replace() gives the lost connection back to the pool, which closes it: from here on conn_
  // is either the fresh connection or null, never the closed one.
  PgConnection* fresh = begin.replace();
  conn_ = fresh;
  if (fresh == nullptr) return result;
  return run();
}

StatusOr<bool> PgTx::Exists(std::string_view sql, const Params& params, std::string_view op) {
  ASSIGN_OR_RETURN(PgResult r, Run(sql, params, op));
  return r.rows() > 0;
}

Status PgTx::RequireAccount(const std::string& account_id) {
  Params p;
  p.Text(account_id);
  ASSIGN_OR_RETURN(bool exists,
                   Exists("SELECT 1 FROM accounts WHERE account_id = $1", p, "accounts.exists"));
  return exists ? OkStatus() : AccountNotFound(account_id);
}

// Keyset pagination promises that rows added while a client pages appear after the ones it has
// seen. With one writer (SQLite) seq order is commit order; with many writers a sequence value
// taken early could commit late, behind a cursor that already passed it. So inserts that take
// a seq first take this lock, held until commit, and seq order becomes commit order again, per
// account for users and globally for accounts.
Status PgTx::LockSeqOrder(std::string_view scope, const std::string& key) {
  Params p;
  p.Text(std::string(scope)).Text(key);
  return Run("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))", p, "seq.lock").status();
}

}  // namespace chime::store::postgres
