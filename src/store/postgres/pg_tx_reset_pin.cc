// PgTx::ResetPin: ResetPersonalPIN's whole write as one statement, so that a reset costs the
// writer connection one round trip instead of nine (bench/RESULTS-postgres.md).
//
// Each attempt sends one data-modifying CTE with one candidate PIN. It locks the user row (of
// that account, registered, holding a PIN), takes the candidate only if it is not the previous
// PIN and neither a user's PIN nor retired *in this transaction's snapshot*, sets only the pin
// column, retires the previous PIN and writes the audit row. A taken candidate writes nothing
// and the next attempt draws another, exactly like model::AllocatePin over PinTaken.
//
// Why the snapshot check and not only the unique index and the retired-PIN trigger: under
// SERIALIZABLE, a concurrent reset (another writer, another chimed) may be retiring PIN X right
// now. Its new row version no longer holds X, so once it commits the unique index lets X
// through, and the trigger reads retired_pins in our older snapshot, where X is not retired yet.
// Only the snapshot read sees X as the other user's PIN. What the snapshot cannot see, a fresh
// candidate claimed by a concurrent transaction, the unique index (or the trigger) refuses with
// 23505, or SSI with 40001. The statement failed and the transaction is aborted, so that 23505
// is turned into a serialization failure: the writer runs the whole transaction again in a new
// snapshot, which sees the claimed PIN (pg_writer.h).
#include <optional>
#include <string>

#include "common/log.h"
#include "model/lifecycle.h"
#include "model/pin.h"
#include "store/postgres/pg_row_codec.h"
#include "store/postgres/pg_tx.h"

namespace chime::store::postgres {
namespace {

// $1 user, $2 account, $3 the Unregistered spelling, $4 candidate, $5 at_ms, $6 request id,
// $7 principal. One row unless the user is missing or may not reset (then none); its user
// columns are NULL when the candidate was taken (nothing was written).
// `(account_id || '')`: the account is checked on the row the user_id index finds, never used
// to choose an index. Planned without statistics (a fresh or just-loaded table), the generic
// plan of this prepared statement otherwise walked every user of the account.
constexpr char kResetPinSql[] =
    "WITH old AS ("
    "  SELECT seq, pin FROM users"
    "  WHERE user_id = $1 AND (account_id || '') = $2 AND registration_status <> $3"
    "    AND pin IS NOT NULL AND pin <> ''"
    "  FOR UPDATE),"
    " pick AS ("
    "  SELECT $4::text AS pin FROM old"
    "  WHERE old.pin <> $4::text"
    "    AND NOT EXISTS (SELECT 1 FROM users WHERE pin = $4::text)"
    "    AND NOT EXISTS (SELECT 1 FROM retired_pins WHERE pin = $4::text)),"
    " upd AS ("
    "  UPDATE users u SET pin = pick.pin FROM old, pick WHERE u.seq = old.seq"
    "  RETURNING u.seq, u.user_id, u.account_id, u.primary_email, u.primary_provisioned_number,"
    "    u.display_name, u.license_type, u.user_type, u.registration_status,"
    "    u.invitation_status, u.registered_ms, u.invited_ms, u.alexa_enabled, u.alexa_room_arn,"
    "    u.pin),"
    " ret AS ("
    "  INSERT INTO retired_pins(pin, retired_ms) SELECT old.pin, $5::bigint FROM old, upd"
    "  ON CONFLICT (pin) DO NOTHING),"
    " aud AS ("
    "  INSERT INTO pin_reset_audit(request_id, principal, account_id, user_id, at_ms)"
    "  SELECT $6::text, $7::text, upd.account_id, upd.user_id, $5::bigint FROM upd)"
    " SELECT upd.* FROM old LEFT JOIN upd ON true";

}  // namespace

StatusOr<model::User> PgTx::ResetPin(const PinResetAudit& audit, RandomSource& random,
                                     int max_attempts) {
  RETURN_IF_ERROR(RequireWritable("ResetPin"));
  std::optional<model::User> reset;
  bool refused = false;  // no row: the account or user is missing, or may not reset
  // model::AllocatePin draws the candidates and counts the attempts, so the limit and its error
  // are the default's. Our "previous PIN" is unknown before the statement, which skips it.
  auto attempt = [&](const std::string& candidate) -> StatusOr<bool> {
    if (health_.failed) return health_.status;  // so a failure below is this statement's
    Params p;
    p.Text(audit.user_id)
        .Text(audit.account_id)
        .Text(model::ToString(model::RegistrationStatus::kUnregistered))
        .Text(candidate)
        .Int(audit.at_ms)
        .Text(audit.request_id)
        .Text(audit.principal);
    auto r = Run(kResetPinSql, p, "users.reset_pin");
    if (!r.ok()) {
      if (health_.failure == Failure::kStatement && r.status().code() == Code::kConflict) {
        // A concurrent transaction claimed the candidate (see the top of this file).
        health_.failure = Failure::kSerialization;
        health_.status = UnavailableError();
        return health_.status;
      }
      return r.status();
    }
    if (r->rows() == 0) {
      refused = true;
      return Internal("reset refused");  // ends AllocatePin; never returned, diagnosed below
    }
    if (r->IsNull(0, 0)) return true;  // taken: draw another
    ASSIGN_OR_RETURN(auto seq_and_user, ReadUser(*r, 0));
    reset = std::move(seq_and_user.second);
    return false;
  };
  auto allocated = model::AllocatePin(random, attempt, /*previous_pin=*/"", max_attempts);
  if (reset.has_value()) return std::move(*reset);
  if (!refused) return allocated.status();  // max_attempts taken candidates, or a store error
  // The error path: the ordinary reads, so that messages and their order are the default's.
  RETURN_IF_ERROR(GetAccount(audit.account_id).status());
  ASSIGN_OR_RETURN(model::User user, GetUser(audit.account_id, audit.user_id));
  RETURN_IF_ERROR(model::CheckPinReset(user));
  // The statement and these reads disagree within one snapshot: a bug, not a client error.
  LOG_ERROR("store ResetPin refused a user the model allows to reset");
  return InternalError();
}

}  // namespace chime::store::postgres
