#include "store/postgres/pg_pipelined_resets.h"

#include <string>
#include <vector>

#include "common/log.h"
#include "store/postgres/pg_reset_sql.h"
#include "store/postgres/pg_row_codec.h"

namespace chime::store::postgres {
namespace {

// One row per reset with the user columns (NULL when there is no user to show: `null`), then
// the reset's 1-based position.
Status ReadAnswers(const PgResult& r, PipelinedResets& batch, PipelinedAnswer null) {
  batch.answers.assign(batch.jobs.size(), PipelinedAnswer::kNotDone);
  for (int row = 0; row < r.rows(); ++row) {
    const int64_t position = r.Int(row, kPositionColumn);
    if (position < 1 || position > static_cast<int64_t>(batch.jobs.size())) {
      LOG_ERROR("store ResetPin answered a reset it was not asked for");
      return InternalError();
    }
    const size_t i = static_cast<size_t>(position - 1);
    if (r.IsNull(row, 0)) {
      batch.answers[i] = null;
      continue;
    }
    auto seq_and_user = ReadUser(r, row);
    if (!seq_and_user.ok()) {  // logged by the codec; the reset itself took effect
      batch.answers[i] = PipelinedAnswer::kUndecoded;
      continue;
    }
    batch.jobs[i]->user = std::move(seq_and_user->second);
    batch.answers[i] = PipelinedAnswer::kDone;
  }
  return OkStatus();
}

}  // namespace

const std::string& PipelinedResetSql() {
  static const std::string sql =
      std::string(kResetCtes) +
      ", mark AS ("
      "  INSERT INTO chimed_commit_markers(token, resets)"
      "  SELECT $12, coalesce(array_agg(old.i ORDER BY old.i) FILTER (WHERE upd.seq IS NOT NULL),"
      "    '{}')"
      "  FROM old LEFT JOIN upd USING (seq))" +
      kResetAnswer;
  return sql;
}

Params PipelinedResetParams(const PipelinedResets& batch, const std::string& token) {
  Params p = ResetParams(batch.jobs, batch.candidates);
  p.Text(token);
  return p;
}

Status ReadPipelinedAnswers(const PgResult& r, PipelinedResets& batch) {
  return ReadAnswers(r, batch, PipelinedAnswer::kTaken);
}

// $1 the token, $2 user ids, $3 account ids, $4 the candidates; the columns as kResetAnswer's,
// the PIN being the one the reset set (a later reset may have changed it since).
const std::string& ReadBackSql() {
  static const std::string sql =
      "WITH req AS ("
      "  SELECT * FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY"
      "    AS r(user_id, account_id, pin, i)),"
      " done AS (SELECT unnest(resets) AS i FROM chimed_commit_markers WHERE token = $1)"
      " SELECT u.seq, u.user_id, u.account_id, u.primary_email, u.primary_provisioned_number,"
      "  u.display_name, u.license_type, u.user_type, u.registration_status,"
      "  u.invitation_status, u.registered_ms, u.invited_ms, u.alexa_enabled, u.alexa_room_arn,"
      "  req.pin, req.i"
      " FROM done JOIN req USING (i)"
      " LEFT JOIN users u ON u.user_id = req.user_id AND u.account_id = req.account_id";
  return sql;
}

Params ReadBackParams(const PipelinedResets& batch, const std::string& token) {
  std::vector<std::string> user_ids, account_ids;
  for (const PinResetJob* job : batch.jobs) {
    user_ids.push_back(job->audit.user_id);
    account_ids.push_back(job->audit.account_id);
  }
  Params p;
  p.Text(token).Array(user_ids).Array(account_ids).Array(batch.candidates);
  return p;
}

Status ReadBackAnswers(const PgResult& r, PipelinedResets& batch) {
  return ReadAnswers(r, batch, PipelinedAnswer::kDoneGone);
}

}  // namespace chime::store::postgres
