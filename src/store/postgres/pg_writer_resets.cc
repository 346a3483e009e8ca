// PgWriter's batches of resets only (pg_writer.h): BEGIN, one statement for the first reset of
// each user and COMMIT in one round trip (pg_pipelined_resets.h), about a fifth more resets
// per second than waiting for the statement's answer before sending COMMIT (A/B in
// bench/RESULTS-postgres.md). The statement cannot draw again within its transaction, so a
// reset it did not do (taken candidate, a user that may not reset, whose error the ordinary
// path diagnoses) runs again through RunWithRetries, with a user's later resets; so does the
// whole batch when the transaction did not commit.
#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include "common/log.h"
#include "model/pin.h"
#include "store/postgres/pg_writer.h"
#include "store/postgres/pg_writer_worker.h"
#include "store/tx_errors.h"

namespace chime::store::postgres {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

void PgWriter::RunResetBatch(Worker& w, const std::vector<Item*>& items,
                             std::vector<Status>& results) {
  // The statement resets a user once; a later reset of the same user must see the PIN the
  // earlier one set, so it waits for the ordinary path below.
  PipelinedResets batch;
  std::vector<size_t> item_of;  // batch.jobs[k] is items[item_of[k]]
  std::unordered_set<std::string_view> users;
  for (size_t i = 0; i < items.size(); ++i) {
    PinResetJob* job = items[i]->reset.get();
    if (users.insert(job->audit.user_id).second) {
      batch.jobs.push_back(job);
      item_of.push_back(i);
    }
  }
  const Outcome outcome = RunPipelined(w, batch);
  FinishResetBatch(w, items, item_of, batch, outcome, results);
}

void PgWriter::FinishResetBatch(Worker& w, const std::vector<Item*>& items,
                                const std::vector<size_t>& item_of, PipelinedResets& batch,
                                Outcome outcome, std::vector<Status>& results) {
  if (outcome == Outcome::kUnknown) {
    failed_batches_.fetch_add(1);
    for (auto& r : results) r = batch.unanswerable;
    return;
  }
  std::vector<bool> answered(items.size(), false);
  if (outcome == Outcome::kFinal) {
    for (size_t k = 0; k < batch.jobs.size(); ++k) {
      const PinResetAudit& audit = batch.jobs[k]->audit;
      switch (batch.answers[k]) {
        case PipelinedAnswer::kNotDone:
          continue;
        case PipelinedAnswer::kTaken:
          --batch.jobs[k]->max_attempts;  // one candidate spent, as model::AllocatePin counts
          continue;
        case PipelinedAnswer::kDone:
          results[item_of[k]] = OkStatus();
          break;
        case PipelinedAnswer::kDoneGone:
          // Committed, and then its account was deleted (only that deletes users): what any
          // request would now be told. Never run again: that could reset a user twice.
          results[item_of[k]] = AccountNotFound(audit.account_id);
          break;
        case PipelinedAnswer::kUndecoded:
          results[item_of[k]] = InternalError();  // committed; its row is logged as corrupt
          break;
      }
      answered[item_of[k]] = true;
    }
  } else {
    failed_batches_.fetch_add(1);
    if (outcome == Outcome::kRetry) {
      retries_.fetch_add(1);
      ++w.retries;
    }
  }
  std::vector<Item*> rest;
  std::vector<size_t> rest_at;
  for (size_t i = 0; i < items.size(); ++i) {
    if (answered[i]) continue;
    rest.push_back(items[i]);
    rest_at.push_back(i);
  }
  if (rest.empty()) return;
  std::vector<Status> rest_results(rest.size(), UnavailableError());
  RunWithRetries(w, rest, rest_results);
  for (size_t k = 0; k < rest.size(); ++k) results[rest_at[k]] = std::move(rest_results[k]);
}

PgWriter::Outcome PgWriter::RunPipelined(Worker& w, PipelinedResets& batch) {
  if (!Connected(w)) return Outcome::kNoServer;
  batch.candidates.clear();
  for (PinResetJob* job : batch.jobs) {
    job->user.reset();
    batch.candidates.push_back(model::DrawPinCandidate(*job->random));
  }
  batch.answers.assign(batch.jobs.size(), PipelinedAnswer::kNotDone);
  const std::string token = RandomToken();
  const CommitFault fault = options_.commit_fault ? options_.commit_fault() : CommitFault::kNone;
  w.conn->DiscardDeferred();
  // READ COMMITTED: the one statement locks the users it resets (FOR UPDATE rechecks a row a
  // concurrent transaction changed), and no PIN can be issued twice whatever the snapshot
  // (issued_pins, migration 4). SERIALIZABLE would add nothing to that, but make batches of
  // several writers abort each other on the small tables' index pages.
  w.conn->Defer("BEGIN ISOLATION LEVEL READ COMMITTED");
  // Faults (tests): in place of COMMIT, ROLLBACK or a statement that leaves the transaction
  // open; then the connection drops before any answer, or before COMMIT's only.
  std::string_view then = "COMMIT";
  if (fault == CommitFault::kLoseAnswerAfterRollback) then = "ROLLBACK";
  if (fault == CommitFault::kDropBeforeCommit) then = "SELECT 1";
  Status commit;
  StatusOr<PgResult> r = w.conn->QueryThen(PipelinedResetSql(), PipelinedResetParams(batch, token),
                                           then, "users.reset_pin", &commit);
  writes_.fetch_add(static_cast<int64_t>(batch.jobs.size()));
  bool unknown = false;
  if (fault == CommitFault::kLoseAnswerAfterCommit ||
      fault == CommitFault::kLoseAnswerAfterRollback || fault == CommitFault::kDropBeforeCommit) {
    w.conn->SimulateNetworkFailure();
    r = UnavailableError();
    unknown = true;
  } else if (fault == CommitFault::kLoseCommitAnswer) {
    w.conn->SimulateNetworkFailure();  // the statement's answer arrived, COMMIT's did not
    unknown = true;
  } else if (!r.ok()) {
    if (w.conn->last_failure() != Failure::kConnection || w.conn->then_skipped()) {
      // The server refused BEGIN or the statement and so skipped COMMIT: nothing committed,
      // even when it ended the session too (a failover, a shutdown). RunWithRetries runs the
      // resets again: it reports an error that persists, and waits for a server only as long
      // as a write that was never sent.
      Rollback(w);
      return Outcome::kRetry;
    }
    unknown = true;  // COMMIT may have run after the answer was lost
  } else if (!commit.ok()) {
    // Refused at COMMIT (a serialization failure found then): rolled back. Or lost.
    if (w.conn->last_failure() != Failure::kConnection) return Outcome::kRetry;
    unknown = true;
  }
  if (unknown) return SettleInDoubt(w, batch, token, r.ok() ? &*r : nullptr);
  commits_.fetch_add(1);
  Status read = ReadPipelinedAnswers(*r, batch);
  if (!read.ok()) {
    batch.unanswerable = read;  // as in SettleInDoubt
    return Outcome::kUnknown;
  }
  return Outcome::kFinal;
}

PgWriter::Outcome PgWriter::SettleInDoubt(Worker& w, PipelinedResets& batch,
                                          const std::string& token, const PgResult* answer) {
  std::optional<bool> committed = Resolve(w, token);
  if (!committed.has_value()) {
    batch.unanswerable = UnavailableError();
    return Outcome::kUnknown;
  }
  if (!*committed) return Outcome::kRetry;
  commits_.fetch_add(1);
  Status read =
      answer != nullptr ? ReadPipelinedAnswers(*answer, batch) : ReadBack(w, token, batch);
  if (!read.ok()) {
    // Committed, but which reset did what is unknown (a row that does not decode, or no server
    // before shutdown): running any of them again could reset a user twice.
    batch.unanswerable = read;
    return Outcome::kUnknown;
  }
  return Outcome::kFinal;
}

void PgWriter::RunInDoubt(Worker& w, InDoubtResets& in_doubt) {
  std::vector<Item> owned(in_doubt.jobs.size());
  std::vector<Item*> items;
  std::vector<size_t> item_of;
  for (size_t i = 0; i < owned.size(); ++i) {
    owned[i].reset = in_doubt.jobs[i];
    owned[i].queued_at = Clock::now();
    items.push_back(&owned[i]);
    item_of.push_back(i);
  }
  PipelinedResets& batch = in_doubt.batch;
  batch.answers.assign(batch.jobs.size(), PipelinedAnswer::kNotDone);
  const Outcome outcome =
      SettleInDoubt(w, batch, in_doubt.token, in_doubt.answer ? &*in_doubt.answer : nullptr);
  std::vector<Status> results(items.size(), UnavailableError());
  FinishResetBatch(w, items, item_of, batch, outcome, results);
  for (size_t i = 0; i < items.size(); ++i) CallDone(in_doubt.dones[i], std::move(results[i]));
}

Status PgWriter::ReadBack(Worker& w, const std::string& token, PipelinedResets& batch) {
  // A lost connection is retried for as long as resolution would be; a refusal by a server
  // that answers (which no retry cures) only a few times.
  constexpr int kMaxRefusals = 5;
  int refusals = 0;
  int delay_ms = 50;
  for (;;) {
    if ((w.conn != nullptr && !w.conn->broken()) || Connect(w)) {
      auto r = w.conn->Query(ReadBackSql(), ReadBackParams(batch, token), "writer.read_back");
      if (r.ok()) return ReadBackAnswers(*r, batch);
      if (w.conn->last_failure() != Failure::kConnection) {
        w.conn.reset();  // start afresh: whatever state the session was in goes with it
        if (++refusals >= kMaxRefusals) {
          LOG_ERROR(
              "postgres: a COMMIT took effect but the server refused to read its resets "
              "back; answering 503");
          return UnavailableError();
        }
      }
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_ && Clock::now() >= stop_deadline_) {
        LOG_ERROR(
            "postgres: a COMMIT took effect but its resets could not be read back before "
            "shutdown; answering 503");
        return UnavailableError();
      }
    }
    FailStaleQueued();
    std::this_thread::sleep_for(milliseconds(delay_ms));
    delay_ms = std::min(delay_ms * 2, 1000);
  }
}

}  // namespace chime::store::postgres
