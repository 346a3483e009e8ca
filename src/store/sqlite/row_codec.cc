#include "store/sqlite/row_codec.h"

#include <optional>
#include <string_view>

#include "common/log.h"
#include "store/sqlite/sqlite_error.h"

namespace chime::store::sqlite {
namespace {

Status Corrupt(std::string_view table, std::string_view column) {
  LOG_ERROR("sqlite row in " << table << " has an undecodable " << column);
  return InternalError();
}

}  // namespace

void BindAccount(Stmt& stmt, const model::Account& a) {
  stmt.BindText(1, a.account_id);
  stmt.BindText(2, a.aws_account_id);
  stmt.BindText(3, a.name);
  stmt.BindText(4, model::ToString(a.account_type));
  stmt.BindInt(5, a.created_ms);
  stmt.BindText(6, model::ToString(a.default_license));
  stmt.BindText(7, EncodeLicenses(a.supported_licenses));
  stmt.BindText(8, model::ToString(a.status));
  stmt.BindText(9, EncodeStringList(a.signin_delegate_groups));
}

void BindUser(Stmt& stmt, const model::User& u) {
  stmt.BindText(1, u.user_id);
  stmt.BindText(2, u.account_id);
  stmt.BindTextOrNull(3, u.primary_email);
  stmt.BindText(4, u.primary_provisioned_number);
  stmt.BindText(5, u.display_name);
  stmt.BindText(6, model::ToString(u.license_type));
  stmt.BindText(7, model::ToString(u.user_type));
  stmt.BindText(8, model::ToString(u.registration_status));
  if (u.invitation_status.has_value()) {
    stmt.BindText(9, model::ToString(*u.invitation_status));
  } else {
    stmt.BindNull(9);
  }
  stmt.BindOptionalInt(10, u.registered_ms);
  stmt.BindOptionalInt(11, u.invited_ms);
  if (u.alexa.has_value()) {
    stmt.BindInt(12, u.alexa->enabled ? 1 : 0);
    stmt.BindText(13, u.alexa->room_arn);
  } else {
    stmt.BindNull(12);
    stmt.BindNull(13);
  }
  stmt.BindTextOrNull(14, u.personal_pin);
}

void BindAccessKey(Stmt& stmt, const AccessKeyRecord& k) {
  stmt.BindText(1, k.access_key_id);
  stmt.BindText(2, k.name);
  stmt.BindBlob(3, k.encrypted_secret);
  if (k.session_token_hash.has_value()) {
    stmt.BindText(4, *k.session_token_hash);
  } else {
    stmt.BindNull(4);
  }
  stmt.BindText(5, k.policy_json);
  stmt.BindInt(6, k.enabled ? 1 : 0);
  stmt.BindInt(7, k.created_ms);
  stmt.BindOptionalInt(8, k.last_used_ms);
}

// Enum columns are parsed from views of SQLite's own buffer: only the fields a model object
// keeps are copied out.
StatusOr<std::pair<int64_t, model::Account>> ReadAccount(const Stmt& stmt) {
  model::Account a;
  a.account_id = stmt.Text(1);
  a.aws_account_id = stmt.Text(2);
  a.name = stmt.Text(3);
  auto type = model::ParseAccountType(stmt.TextView(4));
  if (!type) return Corrupt("accounts", "account_type");
  a.account_type = *type;
  a.created_ms = stmt.Int(5);
  auto license = model::ParseLicenseType(stmt.TextView(6));
  if (!license) return Corrupt("accounts", "default_license");
  a.default_license = *license;
  auto names = DecodeStringList(stmt.Text(7));
  if (!names) return Corrupt("accounts", "supported_licenses");
  for (const auto& name : *names) {
    auto l = model::ParseLicenseType(name);
    if (!l) return Corrupt("accounts", "supported_licenses");
    a.supported_licenses.push_back(*l);
  }
  auto status = ParseEnum<model::AccountStatus>(stmt.TextView(8), 2);
  if (!status) return Corrupt("accounts", "status");
  a.status = *status;
  auto groups = DecodeStringList(stmt.Text(9));
  if (!groups) return Corrupt("accounts", "signin_delegate_groups");
  a.signin_delegate_groups = std::move(*groups);
  return std::make_pair(stmt.Int(0), std::move(a));
}

StatusOr<std::pair<int64_t, model::User>> ReadUser(const Stmt& stmt) {
  model::User u;
  u.user_id = stmt.Text(1);
  u.account_id = stmt.Text(2);
  u.primary_email = stmt.Text(3);
  u.primary_provisioned_number = stmt.Text(4);
  u.display_name = stmt.Text(5);
  auto license = model::ParseLicenseType(stmt.TextView(6));
  if (!license) return Corrupt("users", "license_type");
  u.license_type = *license;
  auto type = model::ParseUserType(stmt.TextView(7));
  if (!type) return Corrupt("users", "user_type");
  u.user_type = *type;
  auto registration = ParseEnum<model::RegistrationStatus>(stmt.TextView(8), 3);
  if (!registration) return Corrupt("users", "registration_status");
  u.registration_status = *registration;
  if (!stmt.IsNull(9)) {
    u.invitation_status = ParseEnum<model::InvitationStatus>(stmt.TextView(9), 3);
    if (!u.invitation_status) return Corrupt("users", "invitation_status");
  }
  u.registered_ms = stmt.OptionalInt(10);
  u.invited_ms = stmt.OptionalInt(11);
  if (!stmt.IsNull(12)) {
    u.alexa = model::AlexaForBusinessMetadata{stmt.Int(12) != 0, stmt.Text(13)};
  }
  u.personal_pin = stmt.Text(14);
  return std::make_pair(stmt.Int(0), std::move(u));
}

AccessKeyRecord ReadAccessKey(const Stmt& stmt) {
  AccessKeyRecord k;
  k.access_key_id = stmt.Text(0);
  k.name = stmt.Text(1);
  k.encrypted_secret = stmt.Text(2);
  if (!stmt.IsNull(3)) k.session_token_hash = stmt.Text(3);
  k.policy_json = stmt.Text(4);
  k.enabled = stmt.Int(5) != 0;
  k.created_ms = stmt.Int(6);
  k.last_used_ms = stmt.OptionalInt(7);
  return k;
}

}  // namespace chime::store::sqlite
