// PINs, PIN-reset audit, access keys, documents and bulk export: the small tables of SqliteTx.
#include <string>

#include "store/sqlite/row_codec.h"
#include "store/sqlite/sqlite_tx.h"

namespace chime::store::sqlite {

const CachedSql& RetirePinSql() {
  // OR IGNORE: retiring twice is fine, and the first retirement time is the one that counts.
  static const CachedSql kSql(
      "INSERT OR IGNORE INTO retired_pins(pin, retired_ms) VALUES (?1, ?2)");
  return kSql;
}

StatusOr<bool> SqliteTx::PinTaken(const std::string& pin) {
  static const CachedSql kSql(
      "SELECT EXISTS(SELECT 1 FROM users WHERE pin = ?1) "
      "OR EXISTS(SELECT 1 FROM retired_pins WHERE pin = ?1)");
  ASSIGN_OR_RETURN(StmtLease stmt, conn_.Prepare(kSql, "pins.taken"));
  stmt->BindText(1, pin);
  ASSIGN_OR_RETURN(bool row, StepRow(*stmt, "pins.taken"));
  return row && stmt->Int(0) != 0;
}

Status SqliteTx::RetirePin(const std::string& pin, int64_t now_ms) {
  RETURN_IF_ERROR(RequireWritable("RetirePin"));
  if (pin.empty()) return OkStatus();  // a user without a PIN has nothing to retire
  ASSIGN_OR_RETURN(StmtLease stmt, conn_.Prepare(RetirePinSql(), "pins.retire"));
  stmt->BindText(1, pin);
  stmt->BindInt(2, now_ms);
  return StepDone(*stmt, "pins.retire");
}

Status SqliteTx::InsertPinResetAudit(const PinResetAudit& audit) {
  RETURN_IF_ERROR(RequireWritable("InsertPinResetAudit"));
  static const CachedSql kSql(
      "INSERT INTO pin_reset_audit(request_id, principal, account_id, user_id, at_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  ASSIGN_OR_RETURN(StmtLease stmt, conn_.Prepare(kSql, "audit.insert"));
  // `audit` outlives the lease.
  stmt->BindTextNoCopy(1, audit.request_id);
  stmt->BindTextNoCopy(2, audit.principal);
  stmt->BindTextNoCopy(3, audit.account_id);
  stmt->BindTextNoCopy(4, audit.user_id);
  stmt->BindInt(5, audit.at_ms);
  return StepDone(*stmt, "audit.insert");
}

StatusOr<int64_t> SqliteTx::CountPinResetAudits(const std::string& account_id,
                                                const std::string& user_id) {
  ASSIGN_OR_RETURN(StmtLease stmt, conn_.Prepare("SELECT COUNT(*) FROM pin_reset_audit "
                                                 "WHERE account_id = ?1 AND user_id = ?2",
                                                 "audit.count"));
  stmt->BindText(1, account_id);
  stmt->BindText(2, user_id);
  ASSIGN_OR_RETURN(bool row, StepRow(*stmt, "audit.count"));
  return row ? stmt->Int(0) : int64_t{0};
}

StatusOr<AccessKeyRecord> SqliteTx::GetAccessKey(const std::string& access_key_id) {
  // A read connection reuses the row while nothing has been committed (key_row_cache.h).
  int64_t version = -1;
  if (!writable_) {
    ASSIGN_OR_RETURN(version, conn_.DataVersion());
    if (const AccessKeyRecord* cached = conn_.key_rows().Find(version, access_key_id)) {
      return *cached;
    }
  }
  static const CachedSql kSql(std::string("SELECT ") + kAccessKeyColumns +
                              " FROM access_keys WHERE access_key_id = ?1");
  ASSIGN_OR_RETURN(StmtLease stmt, conn_.Prepare(kSql, "access_keys.get"));
  stmt->BindTextNoCopy(1, access_key_id);  // outlives the lease
  ASSIGN_OR_RETURN(bool row, StepRow(*stmt, "access_keys.get"));
  if (!row) return NotFound("The access key " + access_key_id + " does not exist.");
  AccessKeyRecord key = ReadAccessKey(*stmt);
  if (!writable_) conn_.key_rows().Put(version, key);
  return key;
}

StatusOr<std::vector<AccessKeyRecord>> SqliteTx::ListAccessKeys() {
  ASSIGN_OR_RETURN(StmtLease stmt, conn_.Prepare(std::string("SELECT ") + kAccessKeyColumns +
                                                     " FROM access_keys ORDER BY access_key_id",
                                                 "access_keys.list"));
  std::vector<AccessKeyRecord> keys;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, StepRow(*stmt, "access_keys.list"));
    if (!row) break;
    keys.push_back(ReadAccessKey(*stmt));
  }
  return keys;
}

Status SqliteTx::InsertAccessKey(const AccessKeyRecord& key) {
  RETURN_IF_ERROR(RequireWritable("InsertAccessKey"));
  static const CachedSql kExists("SELECT 1 FROM access_keys WHERE access_key_id = ?1");
  ASSIGN_OR_RETURN(bool exists, Exists(kExists, "access_keys.exists", key.access_key_id));
  if (exists) return Conflict("An access key with this ID already exists.");
  ASSIGN_OR_RETURN(StmtLease stmt,
                   conn_.Prepare(std::string("INSERT INTO access_keys(") + kAccessKeyColumns +
                                     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                 "access_keys.insert"));
  BindAccessKey(*stmt, key);
  return StepDone(*stmt, "access_keys.insert");
}

Status SqliteTx::UpdateAccessKey(const AccessKeyRecord& key) {
  RETURN_IF_ERROR(RequireWritable("UpdateAccessKey"));
  ASSIGN_OR_RETURN(StmtLease stmt,
                   conn_.Prepare("UPDATE access_keys SET name = ?2, encrypted_secret = ?3, "
                                 "session_token_hash = ?4, policy_json = ?5, enabled = ?6, "
                                 "created_ms = ?7, last_used_ms = ?8 WHERE access_key_id = ?1",
                                 "access_keys.update"));
  BindAccessKey(*stmt, key);
  RETURN_IF_ERROR(StepDone(*stmt, "access_keys.update"));
  if (conn_.Changes() != 1) {
    return NotFound("The access key " + key.access_key_id + " does not exist.");
  }
  return OkStatus();
}

Status SqliteTx::DeleteAccessKey(const std::string& access_key_id) {
  RETURN_IF_ERROR(RequireWritable("DeleteAccessKey"));
  ASSIGN_OR_RETURN(StmtLease stmt, conn_.Prepare("DELETE FROM access_keys "
                                                 "WHERE access_key_id = ?1",
                                                 "access_keys.delete"));
  stmt->BindText(1, access_key_id);
  RETURN_IF_ERROR(StepDone(*stmt, "access_keys.delete"));
  if (conn_.Changes() != 1) {
    return NotFound("The access key " + access_key_id + " does not exist.");
  }
  return OkStatus();
}

StatusOr<std::optional<std::string>> SqliteTx::GetDocument(const std::string& kind,
                                                           const std::string& key) {
  static const CachedSql kSql("SELECT json FROM documents WHERE kind = ?1 AND key = ?2");
  ASSIGN_OR_RETURN(StmtLease stmt, conn_.Prepare(kSql, "documents.get"));
  stmt->BindText(1, kind);
  stmt->BindText(2, key);
  ASSIGN_OR_RETURN(bool row, StepRow(*stmt, "documents.get"));
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(stmt->Text(0));
}

Status SqliteTx::PutDocument(const std::string& kind, const std::string& key,
                             const std::string& json) {
  RETURN_IF_ERROR(RequireWritable("PutDocument"));
  ASSIGN_OR_RETURN(StmtLease stmt,
                   conn_.Prepare("INSERT INTO documents(kind, key, json) VALUES (?1, ?2, ?3) "
                                 "ON CONFLICT(kind, key) DO UPDATE SET json = excluded.json",
                                 "documents.put"));
  stmt->BindText(1, kind);
  stmt->BindText(2, key);
  stmt->BindText(3, json);
  return StepDone(*stmt, "documents.put");
}

StatusOr<std::vector<RetiredPin>> SqliteTx::ListRetiredPins(const std::string& after_pin,
                                                            int limit) {
  RETURN_IF_ERROR(CheckLimit(limit));
  ASSIGN_OR_RETURN(StmtLease stmt, conn_.Prepare("SELECT pin, retired_ms FROM retired_pins "
                                                 "WHERE pin > ?1 ORDER BY pin LIMIT ?2",
                                                 "export.retired_pins"));
  stmt->BindText(1, after_pin);
  stmt->BindInt(2, limit);
  std::vector<RetiredPin> out;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, StepRow(*stmt, "export.retired_pins"));
    if (!row) break;
    out.push_back({stmt->Text(0), stmt->Int(1)});
  }
  return out;
}

StatusOr<Page<PinResetAudit>> SqliteTx::ListPinResetAudits(int64_t after_seq, int limit) {
  RETURN_IF_ERROR(CheckLimit(limit));
  ASSIGN_OR_RETURN(StmtLease stmt,
                   conn_.Prepare("SELECT id, request_id, principal, account_id, user_id, at_ms "
                                 "FROM pin_reset_audit WHERE id > ?1 ORDER BY id LIMIT ?2",
                                 "export.audits"));
  stmt->BindInt(1, after_seq);
  stmt->BindInt(2, static_cast<int64_t>(limit) + 1);
  auto read = [](const Stmt& s) -> StatusOr<std::pair<int64_t, PinResetAudit>> {
    return std::make_pair(s.Int(0),
                          PinResetAudit{s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Int(5)});
  };
  return ReadPage<PinResetAudit>(*stmt, limit, read, "export.audits");
}

StatusOr<std::vector<Document>> SqliteTx::ListDocuments(const std::string& after_kind,
                                                        const std::string& after_key, int limit) {
  RETURN_IF_ERROR(CheckLimit(limit));
  ASSIGN_OR_RETURN(StmtLease stmt, conn_.Prepare("SELECT kind, key, json FROM documents "
                                                 "WHERE (kind, key) > (?1, ?2) "
                                                 "ORDER BY kind, key LIMIT ?3",
                                                 "export.documents"));
  stmt->BindText(1, after_kind);
  stmt->BindText(2, after_key);
  stmt->BindInt(3, limit);
  std::vector<Document> out;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, StepRow(*stmt, "export.documents"));
    if (!row) break;
    out.push_back({stmt->Text(0), stmt->Text(1), stmt->Text(2)});
  }
  return out;
}

StatusOr<RowCounts> SqliteTx::CountRows() {
  ASSIGN_OR_RETURN(StmtLease stmt, conn_.Prepare("SELECT (SELECT COUNT(*) FROM accounts), "
                                                 "(SELECT COUNT(*) FROM users), "
                                                 "(SELECT COUNT(*) FROM retired_pins), "
                                                 "(SELECT COUNT(*) FROM pin_reset_audit), "
                                                 "(SELECT COUNT(*) FROM documents), "
                                                 "(SELECT COUNT(*) FROM access_keys)",
                                                 "export.count"));
  ASSIGN_OR_RETURN(bool row, StepRow(*stmt, "export.count"));
  RowCounts c;
  if (!row) return c;
  c.accounts = stmt->Int(0);
  c.users = stmt->Int(1);
  c.retired_pins = stmt->Int(2);
  c.pin_reset_audits = stmt->Int(3);
  c.documents = stmt->Int(4);
  c.access_keys = stmt->Int(5);
  return c;
}

}  // namespace chime::store::sqlite
