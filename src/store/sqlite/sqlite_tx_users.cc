// User operations of SqliteTx.
#include <string>

#include "store/sqlite/row_codec.h"
#include "store/sqlite/sqlite_tx.h"

namespace chime::store::sqlite {
namespace {

Status EmailInUse() {
  return Conflict("A user with this email address already exists in the account.");
}

// True when `a` and `b` differ in nothing but the PIN (what ResetPersonalPIN writes).
bool SameExceptPin(const model::User& a, const model::User& b) {
  auto alexa_equal = [](const auto& x, const auto& y) {
    return x.has_value() == y.has_value() &&
           (!x || (x->enabled == y->enabled && x->room_arn == y->room_arn));
  };
  return a.user_id == b.user_id && a.account_id == b.account_id &&
         a.primary_email == b.primary_email &&
         a.primary_provisioned_number == b.primary_provisioned_number &&
         a.display_name == b.display_name && a.license_type == b.license_type &&
         a.user_type == b.user_type && a.registration_status == b.registration_status &&
         a.invitation_status == b.invitation_status && a.registered_ms == b.registered_ms &&
         a.invited_ms == b.invited_ms && alexa_equal(a.alexa, b.alexa);
}

}  // namespace

StatusOr<std::pair<int64_t, model::User>> SqliteTx::ReadUserRow(const std::string& account_id,
                                                                const std::string& user_id) {
  // Matching the account too: a user of another account must look exactly like a missing one.
  static const CachedSql kSql(std::string("SELECT ") + kUserColumns +
                              " FROM users WHERE user_id = ?1 AND account_id = ?2");
  ASSIGN_OR_RETURN(StmtLease stmt, conn_.Prepare(kSql, "users.get"));
  // The arguments outlive the lease.
  stmt->BindTextNoCopy(1, user_id);
  stmt->BindTextNoCopy(2, account_id);
  ASSIGN_OR_RETURN(bool row, StepRow(*stmt, "users.get"));
  if (!row) return UserNotFound(account_id, user_id);
  return ReadUser(*stmt);
}

StatusOr<model::User> SqliteTx::GetUser(const std::string& account_id, const std::string& user_id) {
  ASSIGN_OR_RETURN(auto seq_and_user, ReadUserRow(account_id, user_id));
  return std::move(seq_and_user.second);
}

StatusOr<std::optional<model::User>> SqliteTx::FindUserByEmail(const std::string& account_id,
                                                               const std::string& email) {
  static const CachedSql kSql(std::string("SELECT ") + kUserColumns +
                              " FROM users WHERE account_id = ?1"
                              " AND primary_email = ?2 COLLATE NOCASE");
  ASSIGN_OR_RETURN(StmtLease stmt, conn_.Prepare(kSql, "users.find_by_email"));
  stmt->BindText(1, account_id);
  stmt->BindText(2, email);
  ASSIGN_OR_RETURN(bool row, StepRow(*stmt, "users.find_by_email"));
  if (!row) return std::optional<model::User>();
  ASSIGN_OR_RETURN(auto seq_and_user, ReadUser(*stmt));
  return std::optional<model::User>(std::move(seq_and_user.second));
}

StatusOr<Page<model::User>> SqliteTx::ListUsers(const UserQuery& query) {
  RETURN_IF_ERROR(CheckLimit(query.limit));
  RETURN_IF_ERROR(RequireAccount(query.account_id));
  std::string sql =
      std::string("SELECT ") + kUserColumns + " FROM users WHERE account_id = ?1 AND seq > ?2";
  if (query.email.has_value()) sql += " AND primary_email = ?3 COLLATE NOCASE";
  if (query.user_type.has_value()) sql += " AND user_type = ?4";
  sql += " ORDER BY seq LIMIT ?5";

  ASSIGN_OR_RETURN(StmtLease stmt, conn_.Prepare(sql, "users.list"));
  stmt->BindText(1, query.account_id);
  stmt->BindInt(2, query.after_seq);
  if (query.email.has_value()) stmt->BindText(3, *query.email);
  if (query.user_type.has_value()) stmt->BindText(4, model::ToString(*query.user_type));
  stmt->BindInt(5, static_cast<int64_t>(query.limit) + 1);
  return ReadPage<model::User>(*stmt, query.limit, &ReadUser, "users.list");
}

Status SqliteTx::InsertUser(const model::User& user) {
  RETURN_IF_ERROR(RequireWritable("InsertUser"));
  RETURN_IF_ERROR(RequireAccount(user.account_id));
  static const CachedSql kIdTaken("SELECT 1 FROM users WHERE user_id = ?1");
  ASSIGN_OR_RETURN(bool id_taken, Exists(kIdTaken, "users.exists", user.user_id));
  if (id_taken) return Conflict("A user with this ID already exists.");
  if (!user.primary_email.empty()) {
    static const CachedSql kEmailTaken(
        "SELECT 1 FROM users WHERE account_id = ?1 AND primary_email = ?2 COLLATE NOCASE");
    ASSIGN_OR_RETURN(bool email_taken,
                     Exists(kEmailTaken, "users.email_taken", user.account_id, user.primary_email));
    if (email_taken) return EmailInUse();
  }
  if (!user.personal_pin.empty()) {
    ASSIGN_OR_RETURN(bool taken, PinTaken(user.personal_pin));
    if (taken) return PinInUse();
  }
  ASSIGN_OR_RETURN(StmtLease stmt,
                   conn_.Prepare("INSERT INTO users(user_id, account_id, primary_email, "
                                 "primary_provisioned_number, display_name, license_type, "
                                 "user_type, registration_status, invitation_status, "
                                 "registered_ms, invited_ms, alexa_enabled, alexa_room_arn, pin) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                                 "?13, ?14)",
                                 "users.insert"));
  BindUser(*stmt, user);
  return StepDone(*stmt, "users.insert");
}

Status SqliteTx::UpdateUser(const model::User& user) {
  RETURN_IF_ERROR(RequireWritable("UpdateUser"));
  ASSIGN_OR_RETURN(model::User current, GetUser(user.account_id, user.user_id));
  // An unchanged email needs no check: the unique index already keeps it this user's alone.
  if (!user.primary_email.empty() && user.primary_email != current.primary_email) {
    ASSIGN_OR_RETURN(StmtLease stmt,
                     conn_.Prepare("SELECT 1 FROM users WHERE account_id = ?1 "
                                   "AND primary_email = ?2 COLLATE NOCASE AND user_id <> ?3",
                                   "users.email_taken_by_other"));
    stmt->BindText(1, user.account_id);
    stmt->BindText(2, user.primary_email);
    stmt->BindText(3, user.user_id);
    ASSIGN_OR_RETURN(bool email_taken, StepRow(*stmt, "users.email_taken_by_other"));
    if (email_taken) return EmailInUse();
  }
  // Keeping one's own PIN is always allowed; only a PIN the user does not hold yet must be
  // free, i.e. neither someone else's nor ever retired.
  if (!user.personal_pin.empty() && user.personal_pin != current.personal_pin) {
    ASSIGN_OR_RETURN(bool taken, PinTaken(user.personal_pin));
    if (taken) return PinInUse();
  }
  if (SameExceptPin(user, current)) {
    // A PIN reset: writing the PIN column alone keeps SQLite from rewriting the row's email
    // and account index entries, which the profile showed as the largest cost of a reset.
    ASSIGN_OR_RETURN(StmtLease stmt, conn_.Prepare("UPDATE users SET pin = ?3 "
                                                   "WHERE user_id = ?1 AND account_id = ?2",
                                                   "users.update_pin"));
    stmt->BindText(1, user.user_id);
    stmt->BindText(2, user.account_id);
    stmt->BindTextOrNull(3, user.personal_pin);  // as BindUser stores it
    return StepDone(*stmt, "users.update_pin");
  }
  ASSIGN_OR_RETURN(StmtLease stmt,
                   conn_.Prepare("UPDATE users SET primary_email = ?3, "
                                 "primary_provisioned_number = ?4, display_name = ?5, "
                                 "license_type = ?6, user_type = ?7, registration_status = ?8, "
                                 "invitation_status = ?9, registered_ms = ?10, invited_ms = ?11, "
                                 "alexa_enabled = ?12, alexa_room_arn = ?13, pin = ?14 "
                                 "WHERE user_id = ?1 AND account_id = ?2",
                                 "users.update"));
  BindUser(*stmt, user);
  return StepDone(*stmt, "users.update");
}

}  // namespace chime::store::sqlite
