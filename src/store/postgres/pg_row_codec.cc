#include "store/postgres/pg_row_codec.h"

#include <optional>
#include <string_view>
#include <vector>

#include "common/log.h"
#include "store/row_format.h"

namespace chime::store::postgres {
namespace {

Status Corrupt(std::string_view table, std::string_view column) {
  LOG_ERROR("postgres row in " << table << " has an undecodable " << column);
  return InternalError();
}

}  // namespace

void AddAccount(Params& p, const model::Account& a) {
  p.Text(a.account_id)
      .Text(a.aws_account_id)
      .Text(a.name)
      .Text(model::ToString(a.account_type))
      .Int(a.created_ms)
      .Text(model::ToString(a.default_license))
      .Text(EncodeLicenses(a.supported_licenses))
      .Text(model::ToString(a.status))
      .Text(EncodeStringList(a.signin_delegate_groups));
}

void AddUser(Params& p, const model::User& u) {
  p.Text(u.user_id)
      .Text(u.account_id)
      .TextOrNull(u.primary_email)
      .Text(u.primary_provisioned_number)
      .Text(u.display_name)
      .Text(model::ToString(u.license_type))
      .Text(model::ToString(u.user_type))
      .Text(model::ToString(u.registration_status));
  if (u.invitation_status.has_value()) {
    p.Text(model::ToString(*u.invitation_status));
  } else {
    p.Null();
  }
  p.OptionalInt(u.registered_ms).OptionalInt(u.invited_ms);
  if (u.alexa.has_value()) {
    p.Bool(u.alexa->enabled).Text(u.alexa->room_arn);
  } else {
    p.Null().Null();
  }
  p.TextOrNull(u.personal_pin);
}

void AddAccessKey(Params& p, const AccessKeyRecord& k) {
  p.Text(k.access_key_id).Text(k.name).Bytes(k.encrypted_secret);
  if (k.session_token_hash.has_value()) {
    p.Text(*k.session_token_hash);
  } else {
    p.Null();
  }
  p.Text(k.policy_json).Bool(k.enabled).Int(k.created_ms).OptionalInt(k.last_used_ms);
}

StatusOr<std::pair<int64_t, model::Account>> ReadAccount(const PgResult& r, int row) {
  model::Account a;
  a.account_id = r.Text(row, 1);
  a.aws_account_id = r.Text(row, 2);
  a.name = r.Text(row, 3);
  auto type = model::ParseAccountType(r.Text(row, 4));
  if (!type) return Corrupt("accounts", "account_type");
  a.account_type = *type;
  a.created_ms = r.Int(row, 5);
  auto license = model::ParseLicenseType(r.Text(row, 6));
  if (!license) return Corrupt("accounts", "default_license");
  a.default_license = *license;
  auto names = DecodeStringList(r.Text(row, 7));
  if (!names) return Corrupt("accounts", "supported_licenses");
  for (const auto& name : *names) {
    auto l = model::ParseLicenseType(name);
    if (!l) return Corrupt("accounts", "supported_licenses");
    a.supported_licenses.push_back(*l);
  }
  auto status = ParseEnum<model::AccountStatus>(r.Text(row, 8), 2);
  if (!status) return Corrupt("accounts", "status");
  a.status = *status;
  auto groups = DecodeStringList(r.Text(row, 9));
  if (!groups) return Corrupt("accounts", "signin_delegate_groups");
  a.signin_delegate_groups = std::move(*groups);
  return std::make_pair(r.Int(row, 0), std::move(a));
}

StatusOr<std::pair<int64_t, model::User>> ReadUser(const PgResult& r, int row) {
  model::User u;
  u.user_id = r.Text(row, 1);
  u.account_id = r.Text(row, 2);
  u.primary_email = r.Text(row, 3);
  u.primary_provisioned_number = r.Text(row, 4);
  u.display_name = r.Text(row, 5);
  auto license = model::ParseLicenseType(r.Text(row, 6));
  if (!license) return Corrupt("users", "license_type");
  u.license_type = *license;
  auto type = model::ParseUserType(r.Text(row, 7));
  if (!type) return Corrupt("users", "user_type");
  u.user_type = *type;
  auto registration = ParseEnum<model::RegistrationStatus>(r.Text(row, 8), 3);
  if (!registration) return Corrupt("users", "registration_status");
  u.registration_status = *registration;
  if (!r.IsNull(row, 9)) {
    u.invitation_status = ParseEnum<model::InvitationStatus>(r.Text(row, 9), 3);
    if (!u.invitation_status) return Corrupt("users", "invitation_status");
  }
  u.registered_ms = r.OptionalInt(row, 10);
  u.invited_ms = r.OptionalInt(row, 11);
  if (!r.IsNull(row, 12)) {
    u.alexa = model::AlexaForBusinessMetadata{r.Bool(row, 12), r.Text(row, 13)};
  }
  u.personal_pin = r.Text(row, 14);
  return std::make_pair(r.Int(row, 0), std::move(u));
}

AccessKeyRecord ReadAccessKey(const PgResult& r, int row) {
  AccessKeyRecord k;
  k.access_key_id = r.Text(row, 0);
  k.name = r.Text(row, 1);
  k.encrypted_secret = r.Bytes(row, 2);
  if (!r.IsNull(row, 3)) k.session_token_hash = r.Text(row, 3);
  k.policy_json = r.Text(row, 4);
  k.enabled = r.Bool(row, 5);
  k.created_ms = r.Int(row, 6);
  k.last_used_ms = r.OptionalInt(row, 7);
  return k;
}

}  // namespace chime::store::postgres
