// PgTx::ResetPin and ResetPins: ResetPersonalPIN's whole write as one statement, for one reset
// or for a writer's batch of them, so that a batch of resets costs the writer connection one
// round trip and PostgreSQL one statement (bench/RESULTS-postgres.md).
//
// Each statement takes one candidate PIN per reset. For each reset it locks the user row (of
// that account, registered, holding a PIN), takes the candidate only if it is not the previous
// PIN and neither a user's PIN nor retired *in this transaction's snapshot*, sets only the pin
// column, retires the previous PIN and writes the audit row. A reset whose candidate was taken
// writes nothing and runs again in the next statement with another candidate, exactly like
// model::AllocatePin over PinTaken. A user named twice is reset twice, in order: its later
// reset runs in a later statement and finds the PIN the earlier one set as the previous one.
//
// Why the snapshot check and not only the unique index and the retired-PIN trigger: under
// SERIALIZABLE, a concurrent reset (another writer, another chimed) may be retiring PIN X right
// now. Its new row version no longer holds X, so once it commits the unique index lets X
// through, and the trigger reads retired_pins in our older snapshot, where X is not retired yet.
// Only the snapshot read sees X as the other user's PIN. What the snapshot cannot see, a fresh
// candidate claimed by a concurrent transaction, the unique index (or the trigger) refuses with
// 23505, or SSI with 40001. The statement failed and the transaction is aborted, so that 23505
// is turned into a serialization failure: the writer runs the whole transaction again in a new
// snapshot, which sees the claimed PIN (pg_writer.h). Two resets of one statement that drew the
// same candidate end the same way.
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/log.h"
#include "model/lifecycle.h"
#include "model/pin.h"
#include "store/postgres/pg_row_codec.h"
#include "store/postgres/pg_tx.h"

namespace chime::store::postgres {
namespace {

// $1 user ids, $2 account ids, $3 the Unregistered spelling, $4 candidates, $5 at_ms,
// $6 request ids, $7 principals: arrays of one element per reset, except $3. One row per reset
// unless its user is missing or may not reset (then none): the user columns as GetUser's, then
// the reset's position (1-based) in the arrays; the user columns are NULL when the candidate
// was taken (nothing was written for that reset). No user may appear twice (see above).
// `(account_id || '')`: the account is checked on the row the user_id index finds, never used
// to choose an index. Planned without statistics (a fresh or just-loaded table), the generic
// plan of this prepared statement otherwise walked every user of the account.
// The rows are locked in seq order, so that two writers' statements do not deadlock on each
// other. (A later statement of the same batch locks more rows while holding these; a deadlock
// that this allows is detected by PostgreSQL and retried like a serialization failure.)
constexpr char kResetPinsSql[] =
    "WITH req AS ("
    "  SELECT * FROM unnest($1::text[], $2::text[], $4::text[], $5::bigint[], $6::text[],"
    "    $7::text[]) WITH ORDINALITY AS r(user_id, account_id, pin, at_ms, request_id,"
    "    principal, i)),"
    " old AS ("
    "  SELECT req.i, u.seq, u.pin AS old_pin, req.pin, req.at_ms, req.request_id,"
    "    req.principal"
    "  FROM req JOIN users u ON u.user_id = req.user_id AND (u.account_id || '') = req.account_id"
    "  WHERE u.registration_status <> $3 AND u.pin IS NOT NULL AND u.pin <> ''"
    "  ORDER BY u.seq FOR UPDATE OF u),"
    " pick AS ("
    "  SELECT old.* FROM old"
    "  WHERE old.old_pin <> old.pin"
    "    AND NOT EXISTS (SELECT 1 FROM users WHERE pin = old.pin)"
    "    AND NOT EXISTS (SELECT 1 FROM retired_pins WHERE pin = old.pin)),"
    " upd AS ("
    "  UPDATE users u SET pin = pick.pin FROM pick WHERE u.seq = pick.seq"
    "  RETURNING u.seq, u.user_id, u.account_id, u.primary_email, u.primary_provisioned_number,"
    "    u.display_name, u.license_type, u.user_type, u.registration_status,"
    "    u.invitation_status, u.registered_ms, u.invited_ms, u.alexa_enabled, u.alexa_room_arn,"
    "    u.pin),"
    " ret AS ("
    "  INSERT INTO retired_pins(pin, retired_ms)"
    "  SELECT pick.old_pin, pick.at_ms FROM pick JOIN upd USING (seq)"
    "  ON CONFLICT (pin) DO NOTHING),"
    " aud AS ("
    "  INSERT INTO pin_reset_audit(request_id, principal, account_id, user_id, at_ms)"
    "  SELECT pick.request_id, pick.principal, upd.account_id, upd.user_id, pick.at_ms"
    "  FROM pick JOIN upd USING (seq) ORDER BY pick.i)"
    " SELECT upd.*, old.i FROM old LEFT JOIN upd USING (seq)";
constexpr int kPositionColumn = 15;

// Why the statement found no row for a reset, by the ordinary reads, so that the errors and
// their order are the default Tx::ResetPin's: OK when these reads find nothing wrong.
Status WhyRefused(Tx& tx, const PinResetAudit& a) {
  RETURN_IF_ERROR(tx.GetAccount(a.account_id).status());
  ASSIGN_OR_RETURN(model::User user, tx.GetUser(a.account_id, a.user_id));
  return model::CheckPinReset(user);
}

}  // namespace

// One statement of PgTx::ResetPins: the jobs it resets and its parameters.
struct PgTx::ResetRound {
  std::vector<size_t> jobs;  // this statement's jobs: the first unfinished one of each user
  Params params;
};

StatusOr<model::User> PgTx::ResetPin(const PinResetAudit& audit, RandomSource& random,
                                     int max_attempts) {
  PinResetJob job{audit, &random, max_attempts, std::nullopt};
  std::vector<Status> results;
  RETURN_IF_ERROR(ResetPins({&job}, results));
  RETURN_IF_ERROR(results[0]);
  return std::move(*job.user);
}

Status PgTx::ResetPins(const std::vector<PinResetJob*>& jobs, std::vector<Status>& results) {
  results.assign(jobs.size(), OkStatus());
  for (PinResetJob* job : jobs) job->user.reset();  // nothing from an earlier, retried run
  if (Status s = RequireWritable("ResetPin"); !s.ok()) {
    results.assign(jobs.size(), s);
    return s;
  }
  ResetProgress progress{std::vector<int>(jobs.size(), 0), std::vector<bool>(jobs.size(), false)};
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (jobs[i]->max_attempts < 1) {  // as model::AllocatePin: no attempt, no PIN
      results[i] = model::PinAllocationFailed();
      progress.finished[i] = true;
    }
  }
  for (;;) {
    ResetRound round = NextResetRound(jobs, progress);
    if (round.jobs.empty()) break;
    ASSIGN_OR_RETURN(PgResult r, RunChecked(kResetPinsSql, round.params, "users.reset_pin"));
    RETURN_IF_ERROR(ReadResetAnswers(r, jobs, round, progress, results));
  }
  return OkStatus();
}

PgTx::ResetRound PgTx::NextResetRound(const std::vector<PinResetJob*>& jobs,
                                      ResetProgress& progress) {
  ResetRound round;
  std::unordered_set<std::string_view> users;
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (!progress.finished[i] && users.insert(jobs[i]->audit.user_id).second) {
      round.jobs.push_back(i);
    }
  }
  std::vector<std::string> user_ids, account_ids, candidates, at_ms, request_ids, principals;
  for (size_t i : round.jobs) {
    const PinResetAudit& a = jobs[i]->audit;
    user_ids.push_back(a.user_id);
    account_ids.push_back(a.account_id);
    candidates.push_back(model::DrawPinCandidate(*jobs[i]->random));
    at_ms.push_back(std::to_string(a.at_ms));
    request_ids.push_back(a.request_id);
    principals.push_back(a.principal);
    ++progress.attempts[i];
  }
  round.params.Array(user_ids)
      .Array(account_ids)
      .Text(model::ToString(model::RegistrationStatus::kUnregistered))
      .Array(candidates)
      .Array(at_ms)
      .Array(request_ids)
      .Array(principals);
  return round;
}

Status PgTx::ReadResetAnswers(const PgResult& r, const std::vector<PinResetJob*>& jobs,
                              const ResetRound& round, ResetProgress& progress,
                              std::vector<Status>& results) {
  std::vector<bool> answered(round.jobs.size(), false);
  for (int row = 0; row < r.rows(); ++row) {
    const int64_t position = r.Int(row, kPositionColumn);
    if (position < 1 || position > static_cast<int64_t>(round.jobs.size())) {
      LOG_ERROR("store ResetPin answered a reset it was not asked for");
      return InternalError();
    }
    answered[position - 1] = true;
    const size_t i = round.jobs[position - 1];
    if (r.IsNull(row, 0)) {  // taken: draw another, up to the job's limit
      if (progress.attempts[i] >= jobs[i]->max_attempts) {
        results[i] = model::PinAllocationFailed();
        progress.finished[i] = true;
      }
      continue;
    }
    ASSIGN_OR_RETURN(auto seq_and_user, ReadUser(r, row));
    jobs[i]->user = std::move(seq_and_user.second);
    progress.finished[i] = true;
  }
  for (size_t k = 0; k < round.jobs.size(); ++k) {
    if (answered[k]) continue;
    const size_t i = round.jobs[k];
    Status why = WhyRefused(*this, jobs[i]->audit);
    if (health_.failed) return health_.status;
    if (why.ok()) {
      // The statement and these reads disagree within one snapshot: a bug, not a client error.
      LOG_ERROR("store ResetPin refused a user the model allows to reset");
      why = InternalError();
    }
    results[i] = std::move(why);
    progress.finished[i] = true;
  }
  return OkStatus();
}

}  // namespace chime::store::postgres
