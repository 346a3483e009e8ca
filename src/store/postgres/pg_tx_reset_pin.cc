// PgTx::ResetPin and ResetPins: ResetPersonalPIN's whole write as one statement, for one reset
// or for a writer's batch of them, so that a batch of resets costs the writer connection one
// round trip and PostgreSQL one statement (bench/RESULTS-postgres.md).
//
// Each statement takes one candidate PIN per reset. For each reset it locks the user row (of
// that account, registered, holding a PIN), takes the candidate only if it is not the previous
// PIN and was never issued *in this statement's snapshot* (issued_pins), sets only the pin
// column and writes the audit row, which records the previous PIN as retired (migration 6). A
// reset whose candidate was taken writes nothing and runs again in the next statement with
// another candidate, exactly like model::AllocatePin over PinTaken. A user named twice is
// reset twice, in order: its later reset runs in a later statement and finds the PIN the
// earlier one set as the previous one.
//
// What decides is the record of issued PINs (issued_pins, migration 4): the users trigger puts
// every PIN a user is given on it, and its key refuses a PIN already there, committed or being
// committed, whatever the snapshot or isolation level. So a PIN being retired right now by a
// concurrent reset (another writer, another chimed), which a unique index on users.pin would
// let through once that reset commits (there is none since migration 5), is refused all the
// same. The snapshot check only keeps the usual case, a candidate already issued, from failing
// the statement. A candidate the snapshot cannot see, claimed by a concurrent transaction,
// fails it with 23505 (or SSI with 40001, in a SERIALIZABLE batch). The transaction is then
// aborted, so that 23505 is turned into a serialization failure: the writer runs the whole
// transaction again, whose new snapshot sees the claimed PIN (pg_writer.h). Two resets of one
// statement that drew the same candidate end the same way.
//
// A reset the statement refuses is diagnosed by the ordinary reads (WhyRefused). In a READ
// COMMITTED transaction they read a later snapshot than the statement did; when they find
// nothing wrong, what refused it changed meanwhile, and the transaction runs again.
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "auth/hmac_sha256.h"
#include "common/encoding.h"
#include "common/log.h"
#include "model/lifecycle.h"
#include "model/pin.h"
#include "store/postgres/pg_reset_sql.h"
#include "store/postgres/pg_row_codec.h"
#include "store/postgres/pg_tx.h"

namespace chime::store::postgres {
namespace {

const std::string& ResetPinsSql() {
  static const std::string sql = std::string(kResetCtes) + kResetAnswer;
  return sql;
}

// Why the statement found no row for a reset, by the ordinary reads, so that the errors and
// their order are the default Store::ResetPin's: OK when these reads find nothing wrong.
Status WhyRefused(Tx& tx, const PinResetJob& job) {
  if (job.key) RETURN_IF_ERROR(CheckAccessKey(tx, *job.key));
  const PinResetAudit& a = job.audit;
  RETURN_IF_ERROR(tx.GetAccount(a.account_id).status());
  ASSIGN_OR_RETURN(model::User user, tx.GetUser(a.account_id, a.user_id));
  return model::CheckPinReset(user);
}

}  // namespace

Params ResetParams(const std::vector<PinResetJob*>& jobs,
                   const std::vector<std::string>& candidates) {
  std::vector<std::string> user_ids, account_ids, at_ms, request_ids, principals;
  std::vector<std::string> key_ids, key_secrets, key_tokens, key_policies;
  for (const PinResetJob* job : jobs) {
    const PinResetAudit& a = job->audit;
    user_ids.push_back(a.user_id);
    account_ids.push_back(a.account_id);
    at_ms.push_back(std::to_string(a.at_ms));
    request_ids.push_back(a.request_id);
    principals.push_back(a.principal);
    const std::optional<AccessKeyCheck>& key = job->key;
    key_ids.push_back(key ? key->access_key_id : std::string());
    key_secrets.push_back(key ? HexEncode(auth::Sha256(key->encrypted_secret)) : std::string());
    key_tokens.push_back(key ? key->session_token_hash.value_or("") : std::string());
    key_policies.push_back(key ? key->policy_json : std::string());
  }
  Params p;
  p.Array(user_ids)
      .Array(account_ids)
      .Text(model::ToString(model::RegistrationStatus::kUnregistered))
      .Array(candidates)
      .Array(at_ms)
      .Array(request_ids)
      .Array(principals)
      .Array(key_ids)
      .Array(key_secrets)
      .Array(key_tokens)
      .Array(key_policies);
  return p;
}

// One statement of PgTx::ResetPins: the jobs it resets and its parameters.
struct PgTx::ResetRound {
  std::vector<size_t> jobs;  // this statement's jobs: the first unfinished one of each user
  Params params;
};

StatusOr<model::User> PgTx::ResetPin(const PinResetAudit& audit, RandomSource& random,
                                     int max_attempts) {
  PinResetJob job{audit, std::nullopt, &random, max_attempts, std::nullopt};
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
    ASSIGN_OR_RETURN(PgResult r, RunChecked(ResetPinsSql(), round.params, "users.reset_pin"));
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
  std::vector<PinResetJob*> round_jobs;
  std::vector<std::string> candidates;
  for (size_t i : round.jobs) {
    round_jobs.push_back(jobs[i]);
    candidates.push_back(model::DrawPinCandidate(*jobs[i]->random));
    ++progress.attempts[i];
  }
  round.params = ResetParams(round_jobs, candidates);
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
    Status why = WhyRefused(*this, *jobs[i]);
    if (health_.failed) return health_.status;
    if (why.ok() && snapshots_ == Snapshots::kPerStatement) {
      // These reads saw a later snapshot than the statement: what refused the reset (a key
      // enabled, a user registered meanwhile) changed since. Run it again, as after a
      // serialization failure, rather than answer with a reason that no longer holds.
      health_ = TxHealth{true, Failure::kSerialization, UnavailableError()};
      return health_.status;
    }
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
