// The SQL of the writer's pipelined resets (PgWriter::RunResetBatch, pg_writer_resets.cc): a
// batch of resets of distinct users as one statement that also writes its transaction's commit
// marker, listing which resets it did, so that BEGIN, the statement and COMMIT travel in one
// round trip and an interrupted COMMIT can still be answered reset by reset.
//
// Why the marker lists the resets: when the connection breaks after the pipeline went out, the
// marker alone says whether the transaction committed, not which of its resets took effect (a
// reset whose candidate was taken, or whose user may not reset, wrote nothing). The drawn PIN
// cannot tell either: found retired, it may have been retired before this reset drew it.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_tx.h"  // PinResetJob

namespace chime::store::postgres {

// What one pipelined transaction did for one reset.
enum class PipelinedAnswer {
  kNotDone,    // nothing written: the user is missing or may not reset, or it was not listed
  kTaken,      // nothing written: the candidate was taken; the reset may draw again
  kDone,       // reset; its job's user is set
  kDoneGone,   // reset, but read back after its account was deleted: nothing left to show
  kUndecoded,  // reset, but the user row it returned does not decode (edited by hand)
};

struct PipelinedResets {
  std::vector<PinResetJob*> jobs;       // distinct users
  std::vector<std::string> candidates;  // the PIN drawn for each job
  std::vector<PipelinedAnswer> answers;
  // When set, every reset of the batch is answered with it and none runs again: whether or
  // what the transaction committed could not be learned.
  Status unanswerable;
};

// A pipelined batch that an I/O thread's reset loop sent (pg_reset_loop.h) and whose outcome
// it could not learn: its connection broke before COMMIT's answer. PgWriter::SubmitInDoubt.
struct InDoubtResets {
  std::vector<std::shared_ptr<PinResetJob>> jobs;  // batch.jobs, owned
  std::vector<std::function<void(Status)>> dones;  // one per job
  PipelinedResets batch;                           // as sent: its candidates drawn
  std::string token;                               // its commit marker
  std::optional<PgResult> answer;                  // the statement's, when it arrived
};

// The statement: PgTx::ResetPins' (pg_reset_sql.h) plus the marker $12 with the positions of
// the resets it did. Its parameters for `batch` and `token`.
const std::string& PipelinedResetSql();
Params PipelinedResetParams(const PipelinedResets& batch, const std::string& token);
// Records the statement's answer in batch.answers (and each done job's user). Fails only on
// an answer that names a reset it was not asked for.
Status ReadPipelinedAnswers(const PgResult& r, PipelinedResets& batch);

// After an interrupted COMMIT that did take effect: the resets its marker lists, with their
// users read now and the PIN each reset gave (kDone), or kDoneGone when the user has gone
// since (its account was deleted). The others are kNotDone: the marker does not say whether
// their candidate was taken or the reset refused.
const std::string& ReadBackSql();
Params ReadBackParams(const PipelinedResets& batch, const std::string& token);
Status ReadBackAnswers(const PgResult& r, PipelinedResets& batch);

}  // namespace chime::store::postgres
