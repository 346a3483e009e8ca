// PINs, PIN-reset audit, access keys, documents and bulk export: the small tables of PgTx.
#include <string>

#include "store/postgres/pg_row_codec.h"
#include "store/postgres/pg_tx.h"

namespace chime::store::postgres {

StatusOr<bool> PgTx::PinTaken(const std::string& pin) {
  Params p;
  p.Text(pin);
  // Held or retired: every PIN ever issued is on record (migration 4).
  ASSIGN_OR_RETURN(PgResult r,
                   Run("SELECT EXISTS(SELECT 1 FROM issued_pins WHERE pin = $1)", p, "pins.taken"));
  return r.rows() > 0 && r.Bool(0, 0);
}

Status PgTx::RetirePin(const std::string& pin, int64_t now_ms) {
  RETURN_IF_ERROR(RequireWritable("RetirePin"));
  if (pin.empty()) return OkStatus();  // a user without a PIN has nothing to retire
  // DO NOTHING: retiring twice is fine, and the first retirement time is the one that counts.
  Params p;
  p.Text(pin).Int(now_ms);
  return Run("INSERT INTO retired_pins(pin, retired_ms) VALUES ($1, $2) "
             "ON CONFLICT (pin) DO NOTHING",
             p, "pins.retire")
      .status();
}

Status PgTx::InsertPinResetAudit(const PinResetAudit& audit) {
  RETURN_IF_ERROR(RequireWritable("InsertPinResetAudit"));
  Params p;
  p.Text(audit.request_id)
      .Text(audit.principal)
      .Text(audit.account_id)
      .Text(audit.user_id)
      .Int(audit.at_ms);
  return Run("INSERT INTO pin_reset_audit(request_id, principal, account_id, user_id, at_ms) "
             "VALUES ($1, $2, $3, $4, $5)",
             p, "audit.insert")
      .status();
}

StatusOr<int64_t> PgTx::CountPinResetAudits(const std::string& account_id,
                                            const std::string& user_id) {
  Params p;
  p.Text(account_id).Text(user_id);
  ASSIGN_OR_RETURN(PgResult r, Run("SELECT COUNT(*) FROM pin_reset_audit "
                                   "WHERE account_id = $1 AND user_id = $2",
                                   p, "audit.count"));
  return r.rows() > 0 ? r.Int(0, 0) : int64_t{0};
}

StatusOr<AccessKeyRecord> PgTx::GetAccessKey(const std::string& access_key_id) {
  Params p;
  p.Text(access_key_id);
  ASSIGN_OR_RETURN(PgResult r, Run(std::string("SELECT ") + kAccessKeyColumns +
                                       " FROM access_keys WHERE access_key_id = $1",
                                   p, "access_keys.get"));
  if (r.rows() == 0) return NotFound("The access key " + access_key_id + " does not exist.");
  return ReadAccessKey(r, 0);
}

StatusOr<std::vector<AccessKeyRecord>> PgTx::ListAccessKeys() {
  ASSIGN_OR_RETURN(PgResult r, Run(std::string("SELECT ") + kAccessKeyColumns +
                                       " FROM access_keys ORDER BY access_key_id COLLATE \"C\"",
                                   Params(), "access_keys.list"));
  std::vector<AccessKeyRecord> keys;
  for (int row = 0; row < r.rows(); ++row) keys.push_back(ReadAccessKey(r, row));
  return keys;
}

Status PgTx::InsertAccessKey(const AccessKeyRecord& key) {
  RETURN_IF_ERROR(RequireWritable("InsertAccessKey"));
  Params id;
  id.Text(key.access_key_id);
  ASSIGN_OR_RETURN(bool exists, Exists("SELECT 1 FROM access_keys WHERE access_key_id = $1", id,
                                       "access_keys.exists"));
  if (exists) return Conflict("An access key with this ID already exists.");
  Params p;
  AddAccessKey(p, key);
  return Run(std::string("INSERT INTO access_keys(") + kAccessKeyColumns +
                 ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
             p, "access_keys.insert")
      .status();
}

Status PgTx::UpdateAccessKey(const AccessKeyRecord& key) {
  RETURN_IF_ERROR(RequireWritable("UpdateAccessKey"));
  Params p;
  AddAccessKey(p, key);
  ASSIGN_OR_RETURN(PgResult r, Run("UPDATE access_keys SET name = $2, encrypted_secret = $3, "
                                   "session_token_hash = $4, policy_json = $5, enabled = $6, "
                                   "created_ms = $7, last_used_ms = $8 WHERE access_key_id = $1",
                                   p, "access_keys.update"));
  if (r.affected() != 1) {
    return NotFound("The access key " + key.access_key_id + " does not exist.");
  }
  return OkStatus();
}

Status PgTx::DeleteAccessKey(const std::string& access_key_id) {
  RETURN_IF_ERROR(RequireWritable("DeleteAccessKey"));
  Params p;
  p.Text(access_key_id);
  ASSIGN_OR_RETURN(
      PgResult r, Run("DELETE FROM access_keys WHERE access_key_id = $1", p, "access_keys.delete"));
  if (r.affected() != 1) return NotFound("The access key " + access_key_id + " does not exist.");
  return OkStatus();
}

StatusOr<std::optional<std::string>> PgTx::GetDocument(const std::string& kind,
                                                       const std::string& key) {
  Params p;
  p.Text(kind).Text(key);
  ASSIGN_OR_RETURN(PgResult r, Run("SELECT json FROM documents WHERE kind = $1 AND key = $2", p,
                                   "documents.get"));
  if (r.rows() == 0) return std::optional<std::string>();
  return std::optional<std::string>(r.Text(0, 0));
}

Status PgTx::PutDocument(const std::string& kind, const std::string& key, const std::string& json) {
  RETURN_IF_ERROR(RequireWritable("PutDocument"));
  Params p;
  p.Text(kind).Text(key).Text(json);
  return Run("INSERT INTO documents(kind, key, json) VALUES ($1, $2, $3) "
             "ON CONFLICT (kind, key) DO UPDATE SET json = excluded.json",
             p, "documents.put")
      .status();
}

StatusOr<std::vector<RetiredPin>> PgTx::ListRetiredPins(const std::string& after_pin, int limit) {
  RETURN_IF_ERROR(CheckLimit(limit));
  Params p;
  p.Text(after_pin).Int(limit);
  // The PINs resets retired are on their audit rows, the others in retired_pins (migration 6).
  // Each side is read in its byte-order index, a page's worth at most (through
  // all_retired_pins the planner sorts both whole). No PIN is on two audit rows: issued_pins
  // lets a PIN be held once. One on both sides (retired again by RetirePin, or a copy's retired
  // PIN that a user also held) is listed once, with the earlier time.
  ASSIGN_OR_RETURN(PgResult r,
                   Run("SELECT DISTINCT ON (pin COLLATE \"C\") pin, retired_ms FROM ("
                       "  (SELECT pin, retired_ms FROM retired_pins WHERE pin COLLATE \"C\" > $1"
                       "   ORDER BY pin COLLATE \"C\" LIMIT $2)"
                       "  UNION ALL"
                       "  (SELECT retired_pin, at_ms FROM pin_reset_audit"
                       "   WHERE retired_pin IS NOT NULL AND retired_pin COLLATE \"C\" > $1"
                       "   ORDER BY retired_pin COLLATE \"C\" LIMIT $2)) r"
                       " ORDER BY pin COLLATE \"C\", retired_ms LIMIT $2",
                       p, "export.retired_pins"));
  std::vector<RetiredPin> out;
  for (int row = 0; row < r.rows(); ++row) out.push_back({r.Text(row, 0), r.Int(row, 1)});
  return out;
}

StatusOr<Page<PinResetAudit>> PgTx::ListPinResetAudits(int64_t after_seq, int limit) {
  RETURN_IF_ERROR(CheckLimit(limit));
  Params p;
  p.Int(after_seq).Int(static_cast<int64_t>(limit) + 1);
  ASSIGN_OR_RETURN(PgResult r, Run("SELECT id, request_id, principal, account_id, user_id, at_ms "
                                   "FROM pin_reset_audit WHERE id > $1 ORDER BY id LIMIT $2",
                                   p, "export.audits"));
  auto read = [](const PgResult& res, int row) -> StatusOr<std::pair<int64_t, PinResetAudit>> {
    PinResetAudit a{res.Text(row, 1), res.Text(row, 2), res.Text(row, 3), res.Text(row, 4),
                    res.Int(row, 5)};
    return std::make_pair(res.Int(row, 0), std::move(a));
  };
  return ReadPage<PinResetAudit>(r, limit, read);
}

StatusOr<std::vector<Document>> PgTx::ListDocuments(const std::string& after_kind,
                                                    const std::string& after_key, int limit) {
  RETURN_IF_ERROR(CheckLimit(limit));
  Params p;
  p.Text(after_kind).Text(after_key).Int(limit);
  ASSIGN_OR_RETURN(PgResult r, Run("SELECT kind, key, json FROM documents "
                                   "WHERE (kind COLLATE \"C\", key COLLATE \"C\") > ($1, $2) "
                                   "ORDER BY kind COLLATE \"C\", key COLLATE \"C\" LIMIT $3",
                                   p, "export.documents"));
  std::vector<Document> out;
  for (int row = 0; row < r.rows(); ++row) {
    out.push_back({r.Text(row, 0), r.Text(row, 1), r.Text(row, 2)});
  }
  return out;
}

StatusOr<RowCounts> PgTx::CountRows() {
  ASSIGN_OR_RETURN(PgResult r, Run("SELECT (SELECT COUNT(*) FROM accounts), "
                                   "(SELECT COUNT(*) FROM users), "
                                   "(SELECT COUNT(DISTINCT pin) FROM all_retired_pins), "
                                   "(SELECT COUNT(*) FROM pin_reset_audit), "
                                   "(SELECT COUNT(*) FROM documents), "
                                   "(SELECT COUNT(*) FROM access_keys)",
                                   Params(), "export.count"));
  RowCounts c;
  c.accounts = r.Int(0, 0);
  c.users = r.Int(0, 1);
  c.retired_pins = r.Int(0, 2);
  c.pin_reset_audits = r.Int(0, 3);
  c.documents = r.Int(0, 4);
  c.access_keys = r.Int(0, 5);
  return c;
}

}  // namespace chime::store::postgres
