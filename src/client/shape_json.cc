#include "client/shape_json.h"

#include <string>
#include <utility>

namespace chime::client {
namespace {

// Appends members in call order, skipping absent optionals.
class Obj {
 public:
  explicit Obj(JsonAlloc& a) : a_(a) { v_.SetObject(); }

  Obj& Str(const char* name, const std::string& s) {
    v_.AddMember(rapidjson::StringRef(name), rapidjson::Value(s.c_str(), s.size(), a_), a_);
    return *this;
  }
  Obj& Str(const char* name, const std::optional<std::string>& s) {
    return s ? Str(name, *s) : *this;
  }
  Obj& Bool(const char* name, std::optional<bool> b) {
    if (b) v_.AddMember(rapidjson::StringRef(name), rapidjson::Value(*b), a_);
    return *this;
  }
  Obj& Int(const char* name, std::optional<int> i) {
    if (i) v_.AddMember(rapidjson::StringRef(name), rapidjson::Value(*i), a_);
    return *this;
  }
  Obj& Val(const char* name, rapidjson::Value v) {
    v_.AddMember(rapidjson::StringRef(name), std::move(v), a_);
    return *this;
  }
  template <typename T>
  Obj& Nested(const char* name, const std::optional<T>& t) {
    return t ? Val(name, ToJson(*t, a_)) : *this;
  }
  Obj& Strings(const char* name, const std::optional<std::vector<std::string>>& list) {
    if (!list) return *this;
    rapidjson::Value arr(rapidjson::kArrayType);
    for (const auto& s : *list) arr.PushBack(rapidjson::Value(s.c_str(), s.size(), a_), a_);
    return Val(name, std::move(arr));
  }
  template <typename T>
  Obj& List(const char* name, const std::optional<std::vector<T>>& list) {
    if (!list) return *this;
    rapidjson::Value arr(rapidjson::kArrayType);
    for (const auto& t : *list) arr.PushBack(ToJson(t, a_), a_);
    return Val(name, std::move(arr));
  }
  rapidjson::Value Done() { return std::move(v_); }

 private:
  JsonAlloc& a_;
  rapidjson::Value v_;
};

const rapidjson::Value* Member(const rapidjson::Value& v, const char* name) {
  if (!v.IsObject()) return nullptr;
  auto it = v.FindMember(name);
  return it == v.MemberEnd() ? nullptr : &it->value;
}

std::optional<std::string> OptStr(const rapidjson::Value& v, const char* name) {
  const rapidjson::Value* m = Member(v, name);
  if (!m || !m->IsString()) return std::nullopt;
  return std::string(m->GetString(), m->GetStringLength());
}
std::string ReqStr(const rapidjson::Value& v, const char* name) {
  return OptStr(v, name).value_or("");
}
std::optional<bool> OptBool(const rapidjson::Value& v, const char* name) {
  const rapidjson::Value* m = Member(v, name);
  if (!m || !m->IsBool()) return std::nullopt;
  return m->GetBool();
}
std::optional<int> OptInt(const rapidjson::Value& v, const char* name) {
  const rapidjson::Value* m = Member(v, name);
  if (!m || !m->IsInt()) return std::nullopt;
  return m->GetInt();
}
template <typename T, typename F>
std::optional<T> OptObj(const rapidjson::Value& v, const char* name, F from) {
  const rapidjson::Value* m = Member(v, name);
  if (!m || !m->IsObject()) return std::nullopt;
  return from(*m);
}
template <typename T, typename F>
std::optional<std::vector<T>> OptList(const rapidjson::Value& v, const char* name, F from) {
  const rapidjson::Value* m = Member(v, name);
  if (!m || !m->IsArray()) return std::nullopt;
  std::vector<T> out;
  for (const auto& e : m->GetArray()) out.push_back(from(e));
  return out;
}
std::string AsString(const rapidjson::Value& v) {
  return v.IsString() ? std::string(v.GetString(), v.GetStringLength()) : std::string();
}

template <typename T>
rapidjson::Value RetentionDays(const T& v, JsonAlloc& a) {
  return Obj(a).Int("RetentionDays", v.retention_days).Done();
}

}  // namespace

rapidjson::Value ToJson(const AlexaForBusinessMetadata& v, JsonAlloc& a) {
  return Obj(a)
      .Bool("IsAlexaForBusinessEnabled", v.is_alexa_for_business_enabled)
      .Str("AlexaForBusinessRoomArn", v.alexa_for_business_room_arn)
      .Done();
}

rapidjson::Value ToJson(const User& v, JsonAlloc& a) {
  return Obj(a)
      .Str("UserId", v.user_id)
      .Str("AccountId", v.account_id)
      .Str("PrimaryEmail", v.primary_email)
      .Str("PrimaryProvisionedNumber", v.primary_provisioned_number)
      .Str("DisplayName", v.display_name)
      .Str("LicenseType", v.license_type)
      .Str("UserType", v.user_type)
      .Str("UserRegistrationStatus", v.user_registration_status)
      .Str("UserInvitationStatus", v.user_invitation_status)
      .Str("RegisteredOn", v.registered_on)
      .Str("InvitedOn", v.invited_on)
      .Nested("AlexaForBusinessMetadata", v.alexa_for_business_metadata)
      .Str("PersonalPIN", v.personal_pin)
      .Done();
}

rapidjson::Value ToJson(const SigninDelegateGroup& v, JsonAlloc& a) {
  return Obj(a).Str("GroupName", v.group_name).Done();
}

rapidjson::Value ToJson(const Account& v, JsonAlloc& a) {
  return Obj(a)
      .Str("AwsAccountId", v.aws_account_id)
      .Str("AccountId", v.account_id)
      .Str("Name", v.name)
      .Str("AccountType", v.account_type)
      .Str("CreatedTimestamp", v.created_timestamp)
      .Str("DefaultLicense", v.default_license)
      .Strings("SupportedLicenses", v.supported_licenses)
      .Str("AccountStatus", v.account_status)
      .List("SigninDelegateGroups", v.signin_delegate_groups)
      .Done();
}

rapidjson::Value ToJson(const AccountSettings& v, JsonAlloc& a) {
  return Obj(a)
      .Bool("DisableRemoteControl", v.disable_remote_control)
      .Bool("EnableDialOut", v.enable_dial_out)
      .Done();
}

rapidjson::Value ToJson(const UserSettings& v, JsonAlloc& a) {
  rapidjson::Value telephony = Obj(a)
                                   .Bool("InboundCalling", v.telephony.inbound_calling)
                                   .Bool("OutboundCalling", v.telephony.outbound_calling)
                                   .Bool("SMS", v.telephony.sms)
                                   .Done();
  return Obj(a).Val("Telephony", std::move(telephony)).Done();
}

rapidjson::Value ToJson(const Invite& v, JsonAlloc& a) {
  return Obj(a)
      .Str("InviteId", v.invite_id)
      .Str("Status", v.status)
      .Str("EmailAddress", v.email_address)
      .Str("EmailStatus", v.email_status)
      .Done();
}

rapidjson::Value ToJson(const UserError& v, JsonAlloc& a) {
  return Obj(a)
      .Str("UserId", v.user_id)
      .Str("ErrorCode", v.error_code)
      .Str("ErrorMessage", v.error_message)
      .Done();
}

rapidjson::Value ToJson(const RetentionSettings& v, JsonAlloc& a) {
  Obj o(a);
  if (v.room_retention_settings) {
    o.Val("RoomRetentionSettings", RetentionDays(*v.room_retention_settings, a));
  }
  if (v.conversation_retention_settings) {
    o.Val("ConversationRetentionSettings", RetentionDays(*v.conversation_retention_settings, a));
  }
  return o.Done();
}

rapidjson::Value ToJson(const UpdateUserRequestItem& v, JsonAlloc& a) {
  return Obj(a)
      .Str("UserId", v.user_id)
      .Str("LicenseType", v.license_type)
      .Str("UserType", v.user_type)
      .Nested("AlexaForBusinessMetadata", v.alexa_for_business_metadata)
      .Done();
}

rapidjson::Value ToJson(const GlobalSettings& v, JsonAlloc& a) {
  Obj o(a);
  if (v.business_calling) {
    o.Val("BusinessCalling", Obj(a).Str("CdrBucket", v.business_calling->cdr_bucket).Done());
  }
  if (v.voice_connector) {
    o.Val("VoiceConnector", Obj(a).Str("CdrBucket", v.voice_connector->cdr_bucket).Done());
  }
  return o.Done();
}

rapidjson::Value ToJson(const RetentionSettingsResponse& v, JsonAlloc& a) {
  return Obj(a)
      .Nested("RetentionSettings", v.retention_settings)
      .Str("InitiateDeletionTimestamp", v.initiate_deletion_timestamp)
      .Done();
}

AlexaForBusinessMetadata AlexaFromJson(const rapidjson::Value& v) {
  return {OptBool(v, "IsAlexaForBusinessEnabled"), OptStr(v, "AlexaForBusinessRoomArn")};
}

User UserFromJson(const rapidjson::Value& v) {
  User u;
  u.user_id = ReqStr(v, "UserId");
  u.account_id = OptStr(v, "AccountId");
  u.primary_email = OptStr(v, "PrimaryEmail");
  u.primary_provisioned_number = OptStr(v, "PrimaryProvisionedNumber");
  u.display_name = OptStr(v, "DisplayName");
  u.license_type = OptStr(v, "LicenseType");
  u.user_type = OptStr(v, "UserType");
  u.user_registration_status = OptStr(v, "UserRegistrationStatus");
  u.user_invitation_status = OptStr(v, "UserInvitationStatus");
  u.registered_on = OptStr(v, "RegisteredOn");
  u.invited_on = OptStr(v, "InvitedOn");
  u.alexa_for_business_metadata =
      OptObj<AlexaForBusinessMetadata>(v, "AlexaForBusinessMetadata", AlexaFromJson);
  u.personal_pin = OptStr(v, "PersonalPIN");
  return u;
}

SigninDelegateGroup SigninDelegateGroupFromJson(const rapidjson::Value& v) {
  return {OptStr(v, "GroupName")};
}

Account AccountFromJson(const rapidjson::Value& v) {
  Account acct;
  acct.aws_account_id = ReqStr(v, "AwsAccountId");
  acct.account_id = ReqStr(v, "AccountId");
  acct.name = ReqStr(v, "Name");
  acct.account_type = OptStr(v, "AccountType");
  acct.created_timestamp = OptStr(v, "CreatedTimestamp");
  acct.default_license = OptStr(v, "DefaultLicense");
  acct.supported_licenses = OptList<std::string>(v, "SupportedLicenses", AsString);
  acct.account_status = OptStr(v, "AccountStatus");
  acct.signin_delegate_groups =
      OptList<SigninDelegateGroup>(v, "SigninDelegateGroups", SigninDelegateGroupFromJson);
  return acct;
}

AccountSettings AccountSettingsFromJson(const rapidjson::Value& v) {
  return {OptBool(v, "DisableRemoteControl"), OptBool(v, "EnableDialOut")};
}

UserSettings UserSettingsFromJson(const rapidjson::Value& v) {
  UserSettings s;
  if (const rapidjson::Value* t = Member(v, "Telephony")) {
    s.telephony.inbound_calling = OptBool(*t, "InboundCalling").value_or(false);
    s.telephony.outbound_calling = OptBool(*t, "OutboundCalling").value_or(false);
    s.telephony.sms = OptBool(*t, "SMS").value_or(false);
  }
  return s;
}

Invite InviteFromJson(const rapidjson::Value& v) {
  return {OptStr(v, "InviteId"), OptStr(v, "Status"), OptStr(v, "EmailAddress"),
          OptStr(v, "EmailStatus")};
}

UserError UserErrorFromJson(const rapidjson::Value& v) {
  return {OptStr(v, "UserId"), OptStr(v, "ErrorCode"), OptStr(v, "ErrorMessage")};
}

RetentionSettings RetentionSettingsFromJson(const rapidjson::Value& v) {
  RetentionSettings r;
  if (const rapidjson::Value* m = Member(v, "RoomRetentionSettings"); m && m->IsObject()) {
    r.room_retention_settings = RoomRetentionSettings{OptInt(*m, "RetentionDays")};
  }
  if (const rapidjson::Value* m = Member(v, "ConversationRetentionSettings"); m && m->IsObject()) {
    r.conversation_retention_settings = ConversationRetentionSettings{OptInt(*m, "RetentionDays")};
  }
  return r;
}

GlobalSettings GlobalSettingsFromJson(const rapidjson::Value& v) {
  GlobalSettings g;
  if (const rapidjson::Value* m = Member(v, "BusinessCalling"); m && m->IsObject()) {
    g.business_calling = BusinessCallingSettings{OptStr(*m, "CdrBucket")};
  }
  if (const rapidjson::Value* m = Member(v, "VoiceConnector"); m && m->IsObject()) {
    g.voice_connector = VoiceConnectorSettings{OptStr(*m, "CdrBucket")};
  }
  return g;
}

UpdateUserRequestItem UpdateUserRequestItemFromJson(const rapidjson::Value& v) {
  return {ReqStr(v, "UserId"), OptStr(v, "LicenseType"), OptStr(v, "UserType"),
          OptObj<AlexaForBusinessMetadata>(v, "AlexaForBusinessMetadata", AlexaFromJson)};
}

}  // namespace chime::client
