#include "api/render.h"

#include "common/time_format.h"

namespace chime::api {
namespace {

void Key(JsonWriter& w, const char* key) { w.Key(key); }

void StringMember(JsonWriter& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void OptionalStringMember(JsonWriter& w, const char* key, const std::string& value) {
  if (!value.empty()) StringMember(w, key, value);
}

}  // namespace

void WriteString(JsonWriter& w, const std::string& s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void WriteAccount(JsonWriter& w, const model::Account& a) {
  w.StartObject();
  StringMember(w, "AwsAccountId", a.aws_account_id);
  StringMember(w, "AccountId", a.account_id);
  StringMember(w, "Name", a.name);
  StringMember(w, "AccountType", model::ToString(a.account_type));
  StringMember(w, "CreatedTimestamp", FormatIso8601Ms(a.created_ms));
  StringMember(w, "DefaultLicense", model::ToString(a.default_license));
  Key(w, "SupportedLicenses");
  w.StartArray();
  for (auto l : a.supported_licenses) {
    auto s = model::ToString(l);
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  }
  w.EndArray();
  StringMember(w, "AccountStatus", model::ToString(a.status));
  if (!a.signin_delegate_groups.empty()) {
    Key(w, "SigninDelegateGroups");
    w.StartArray();
    for (const auto& g : a.signin_delegate_groups) {
      w.StartObject();
      StringMember(w, "GroupName", g);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

void WriteUser(JsonWriter& w, const model::User& u, bool with_pin) {
  w.StartObject();
  StringMember(w, "UserId", u.user_id);
  StringMember(w, "AccountId", u.account_id);
  OptionalStringMember(w, "PrimaryEmail", u.primary_email);
  OptionalStringMember(w, "PrimaryProvisionedNumber", u.primary_provisioned_number);
  OptionalStringMember(w, "DisplayName", u.display_name);
  StringMember(w, "LicenseType", model::ToString(u.license_type));
  StringMember(w, "UserType", model::ToString(u.user_type));
  StringMember(w, "UserRegistrationStatus", model::ToString(u.registration_status));
  if (u.invitation_status) {
    StringMember(w, "UserInvitationStatus", model::ToString(*u.invitation_status));
  }
  if (u.registered_ms) StringMember(w, "RegisteredOn", FormatIso8601Ms(*u.registered_ms));
  if (u.invited_ms) StringMember(w, "InvitedOn", FormatIso8601Ms(*u.invited_ms));
  if (u.alexa) {
    Key(w, "AlexaForBusinessMetadata");
    w.StartObject();
    Key(w, "IsAlexaForBusinessEnabled");
    w.Bool(u.alexa->enabled);
    OptionalStringMember(w, "AlexaForBusinessRoomArn", u.alexa->room_arn);
    w.EndObject();
  }
  if (with_pin) OptionalStringMember(w, "PersonalPIN", u.personal_pin);
  w.EndObject();
}

std::string RenderAccount(const model::Account& account) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("Account");
  WriteAccount(w, account);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::string RenderUser(const model::User& user, bool with_pin) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("User");
  WriteUser(w, user, with_pin);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

}  // namespace chime::api
