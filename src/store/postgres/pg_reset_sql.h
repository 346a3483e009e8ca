// The text of the reset statement, shared by PgTx::ResetPins (pg_tx_reset_pin.cc, which says
// what it checks and why) and the writer's pipelined resets (pg_pipelined_resets.cc).
#pragma once

#include <string>
#include <vector>

#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_tx.h"

namespace chime::store::postgres {

// $1 user ids, $2 account ids, $3 the Unregistered spelling, $4 candidates, $5 at_ms,
// $6 request ids, $7 principals, $8-$11 the access-key checks (ResetParams): arrays of
// one element per reset, except $3. One row per reset unless its user is missing or may not
// reset, or its key check failed (then none): the user columns as GetUser's, then the reset's
// position (1-based) in the arrays; the user columns are NULL when the candidate was taken
// (nothing was written for that reset). No user may appear twice.
// A reset with a key check (PinResetJob::key) runs only while that key is enabled and its row
// holds what the check says, read in this transaction: so an access key served from the gate's
// cache is checked at no cost of its own, and a reset it no longer authorizes writes nothing.
// Pipelined batches run READ COMMITTED: the key is read in the statement's snapshot, so a key
// changed while the statement waits for a user's row lock is a change concurrent with the
// reset, which the reset may precede; a request that starts after it is refused.
// `(account_id || '')`: the account is checked on the row the user_id index finds, never used
// to choose an index. Planned without statistics (a fresh or just-loaded table), the generic
// plan of this prepared statement otherwise walked every user of the account.
// The rows are locked in seq order, so that two writers' statements do not deadlock on each
// other. (A later statement of the same batch locks more rows while holding these; a deadlock
// that this allows is detected by PostgreSQL and retried like a serialization failure.)
inline constexpr char kResetCtes[] =
    "WITH req AS ("
    "  SELECT * FROM unnest($1::text[], $2::text[], $4::text[], $5::bigint[], $6::text[],"
    "    $7::text[], $8::text[], $9::text[], $10::text[], $11::text[]) WITH ORDINALITY"
    "    AS r(user_id, account_id, pin, at_ms, request_id, principal, key_id, key_secret,"
    "    key_token, key_policy, i)),"
    " old AS ("
    "  SELECT req.i, u.seq, u.pin AS old_pin, req.pin, req.at_ms, req.request_id,"
    "    req.principal"
    "  FROM req JOIN users u ON u.user_id = req.user_id AND (u.account_id || '') = req.account_id"
    "  WHERE u.registration_status <> $3 AND u.pin IS NOT NULL AND u.pin <> ''"
    "    AND (req.key_id = '' OR EXISTS (SELECT 1 FROM access_keys k"
    "      WHERE k.access_key_id = req.key_id AND k.enabled"
    "        AND sha256(k.encrypted_secret) = decode(req.key_secret, 'hex')"
    "        AND coalesce(k.session_token_hash, '') = req.key_token"
    "        AND k.policy_json = req.key_policy))"
    "  ORDER BY u.seq FOR UPDATE OF u),"
    " pick AS ("
    "  SELECT old.* FROM old"
    "  WHERE old.old_pin <> old.pin"
    "    AND NOT EXISTS (SELECT 1 FROM issued_pins WHERE pin = old.pin)),"
    " upd AS ("
    "  UPDATE users u SET pin = pick.pin FROM pick WHERE u.seq = pick.seq"
    "  RETURNING u.seq, u.user_id, u.account_id, u.primary_email, u.primary_provisioned_number,"
    "    u.display_name, u.license_type, u.user_type, u.registration_status,"
    "    u.invitation_status, u.registered_ms, u.invited_ms, u.alexa_enabled, u.alexa_room_arn,"
    "    u.pin),"
    " aud AS ("
    "  INSERT INTO pin_reset_audit(request_id, principal, account_id, user_id, at_ms,"
    "    retired_pin)"
    "  SELECT pick.request_id, pick.principal, upd.account_id, upd.user_id, pick.at_ms,"
    "    pick.old_pin"
    "  FROM pick JOIN upd USING (seq) ORDER BY pick.i)";
// The answer, after kResetCtes (and any CTE a caller adds).
inline constexpr char kResetAnswer[] = " SELECT upd.*, old.i FROM old LEFT JOIN upd USING (seq)";
inline constexpr int kPositionColumn = 15;

// $1-$11 for `jobs` with `candidates` (one each, in order). The key checks ($8-$11) are each
// job's key id, the SHA-256 of its sealed secret (hex; a digest, so that no key material is a
// parameter PostgreSQL may log), session token hash ('' for none, as store::CheckAccessKey has
// it) and policy, or '' for all four when the job has no key check.
Params ResetParams(const std::vector<PinResetJob*>& jobs,
                   const std::vector<std::string>& candidates);

}  // namespace chime::store::postgres
