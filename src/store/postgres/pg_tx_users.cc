// User operations of PgTx.
#include <string>

#include "store/postgres/pg_row_codec.h"
#include "store/postgres/pg_tx.h"

namespace chime::store::postgres {
namespace {

Status EmailInUse() {
  return Conflict("A user with this email address already exists in the account.");
}

}  // namespace

StatusOr<model::User> PgTx::GetUser(const std::string& account_id, const std::string& user_id) {
  // Matching the account too: a user of another account must look exactly like a missing one.
  // `(account_id || '')` keeps the account out of index choice (see kResetPinSql).
  Params p;
  p.Text(user_id).Text(account_id);
  ASSIGN_OR_RETURN(PgResult r, Run(std::string("SELECT ") + kUserColumns +
                                       " FROM users WHERE user_id = $1 AND (account_id || '') = $2",
                                   p, "users.get"));
  if (r.rows() == 0) return UserNotFound(account_id, user_id);
  ASSIGN_OR_RETURN(auto seq_and_user, ReadUser(r, 0));
  return std::move(seq_and_user.second);
}

StatusOr<std::optional<model::User>> PgTx::FindUserByEmail(const std::string& account_id,
                                                           const std::string& email) {
  Params p;
  p.Text(account_id).Text(email);
  ASSIGN_OR_RETURN(PgResult r, Run(std::string("SELECT ") + kUserColumns +
                                       " FROM users WHERE account_id = $1"
                                       " AND chimed_fold(primary_email) = chimed_fold($2)",
                                   p, "users.find_by_email"));
  if (r.rows() == 0) return std::optional<model::User>();
  ASSIGN_OR_RETURN(auto seq_and_user, ReadUser(r, 0));
  return std::optional<model::User>(std::move(seq_and_user.second));
}

StatusOr<Page<model::User>> PgTx::ListUsers(const UserQuery& query) {
  RETURN_IF_ERROR(CheckLimit(query.limit));
  RETURN_IF_ERROR(RequireAccount(query.account_id));
  Params p;
  p.Text(query.account_id).Int(query.after_seq).Int(static_cast<int64_t>(query.limit) + 1);
  std::string sql =
      std::string("SELECT ") + kUserColumns + " FROM users WHERE account_id = $1 AND seq > $2";
  if (query.email.has_value()) {
    p.Text(*query.email);
    sql += " AND chimed_fold(primary_email) = chimed_fold($" + std::to_string(p.size()) + ")";
  }
  if (query.user_type.has_value()) {
    p.Text(model::ToString(*query.user_type));
    sql += " AND user_type = $" + std::to_string(p.size());
  }
  sql += " ORDER BY seq LIMIT $3";
  ASSIGN_OR_RETURN(PgResult r, Run(sql, p, "users.list"));
  return ReadPage<model::User>(r, query.limit, &ReadUser);
}

Status PgTx::InsertUser(const model::User& user) {
  RETURN_IF_ERROR(RequireWritable("InsertUser"));
  RETURN_IF_ERROR(RequireAccount(user.account_id));
  Params id;
  id.Text(user.user_id);
  ASSIGN_OR_RETURN(bool id_taken,
                   Exists("SELECT 1 FROM users WHERE user_id = $1", id, "users.exists"));
  if (id_taken) return Conflict("A user with this ID already exists.");
  if (!user.primary_email.empty()) {
    Params e;
    e.Text(user.account_id).Text(user.primary_email);
    ASSIGN_OR_RETURN(bool email_taken, Exists("SELECT 1 FROM users WHERE account_id = $1 "
                                              "AND chimed_fold(primary_email) = chimed_fold($2)",
                                              e, "users.email_taken"));
    if (email_taken) return EmailInUse();
  }
  if (!user.personal_pin.empty()) {
    ASSIGN_OR_RETURN(bool taken, PinTaken(user.personal_pin));
    if (taken) return PinInUse();
  }
  RETURN_IF_ERROR(LockSeqOrder("users", user.account_id));
  Params p;
  AddUser(p, user);
  return RunChecked(
             "INSERT INTO users(user_id, account_id, primary_email, primary_provisioned_number, "
             "display_name, license_type, user_type, registration_status, invitation_status, "
             "registered_ms, invited_ms, alexa_enabled, alexa_room_arn, pin) "
             "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
             p, "users.insert")
      .status();
}

Status PgTx::UpdateUser(const model::User& user) {
  RETURN_IF_ERROR(RequireWritable("UpdateUser"));
  ASSIGN_OR_RETURN(model::User current, GetUser(user.account_id, user.user_id));
  if (!user.primary_email.empty()) {
    Params e;
    e.Text(user.account_id).Text(user.primary_email).Text(user.user_id);
    ASSIGN_OR_RETURN(bool email_taken,
                     Exists("SELECT 1 FROM users WHERE account_id = $1 "
                            "AND chimed_fold(primary_email) = chimed_fold($2) AND user_id <> $3",
                            e, "users.email_taken_by_other"));
    if (email_taken) return EmailInUse();
  }
  // Keeping one's own PIN is always allowed; only a PIN the user does not hold yet must be
  // free, i.e. neither someone else's nor ever retired.
  if (!user.personal_pin.empty() && user.personal_pin != current.personal_pin) {
    ASSIGN_OR_RETURN(bool taken, PinTaken(user.personal_pin));
    if (taken) return PinInUse();
  }
  Params p;
  AddUser(p, user);
  return RunChecked(
             "UPDATE users SET primary_email = $3, primary_provisioned_number = $4, "
             "display_name = $5, license_type = $6, user_type = $7, registration_status = $8, "
             "invitation_status = $9, registered_ms = $10, invited_ms = $11, "
             "alexa_enabled = $12, alexa_room_arn = $13, pin = $14 "
             "WHERE user_id = $1 AND account_id = $2",
             p, "users.update")
      .status();
}

}  // namespace chime::store::postgres
