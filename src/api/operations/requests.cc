#include "api/operations/requests.h"

#include <algorithm>
#include <cctype>

#include "api/json_body.h"
#include "common/encoding.h"
#include "model/validation.h"

namespace chime::api {
namespace {

using rapidjson::Value;

std::string Name(const std::string& path, const char* member) { return path + member; }

// A member that must be a JSON object; nullptr when absent or null.
StatusOr<const Value*> ObjectMember(const Value& obj, const char* member, const std::string& path) {
  auto it = obj.FindMember(member);
  if (it == obj.MemberEnd() || it->value.IsNull()) return static_cast<const Value*>(nullptr);
  if (!it->value.IsObject()) return InvalidArgument(Name(path, member) + " must be an object.");
  return &it->value;
}

StatusOr<const Value*> ArrayMember(const Value& obj, const char* member, const std::string& path) {
  auto it = obj.FindMember(member);
  if (it == obj.MemberEnd() || it->value.IsNull()) return static_cast<const Value*>(nullptr);
  if (!it->value.IsArray()) return InvalidArgument(Name(path, member) + " must be a list.");
  return &it->value;
}

template <typename T>
StatusOr<T> Required(StatusOr<std::optional<T>> value, const std::string& name) {
  if (!value.ok()) return value.status();
  if (!*value) return InvalidArgument(name + " is required.");
  return std::move(**value);
}

StatusOr<const Value*> RequiredArray(const Value& obj, const char* member, const std::string& path,
                                     size_t max_items) {
  ASSIGN_OR_RETURN(const Value* array, ArrayMember(obj, member, path));
  if (!array) return InvalidArgument(Name(path, member) + " is required.");
  if (array->Size() > max_items) {
    return InvalidArgument(Name(path, member) + " must contain at most " +
                           std::to_string(max_items) + " items; it has " +
                           std::to_string(array->Size()) + ".");
  }
  return array;
}

// The i-th item of a list, required to be a string.
StatusOr<std::string> StringItem(const Value& item, const std::string& name) {
  if (!item.IsString()) return InvalidArgument(name + " must be a string.");
  return std::string(item.GetString(), item.GetStringLength());
}

std::string Indexed(const char* member, size_t i) {
  return std::string(member) + "[" + std::to_string(i) + "]";
}

constexpr const char* kLicenses = "Basic, Plus, Pro, ProTrial";
constexpr const char* kUserTypes = "PrivateUser, SharedDevice";

StatusOr<std::optional<model::LicenseType>> LicenseMember(const Value& obj, const char* member,
                                                          const std::string& path) {
  ASSIGN_OR_RETURN(auto text, MemberString(obj, member, path));
  if (!text) return std::optional<model::LicenseType>();
  auto parsed = model::ParseLicenseType(*text);
  if (!parsed) return InvalidArgument(Name(path, member) + " must be one of " + kLicenses + ".");
  return std::optional<model::LicenseType>(*parsed);
}

StatusOr<std::optional<model::UserType>> UserTypeMember(const Value& obj, const char* member,
                                                        const std::string& path) {
  ASSIGN_OR_RETURN(auto text, MemberString(obj, member, path));
  if (!text) return std::optional<model::UserType>();
  auto parsed = model::ParseUserType(*text);
  if (!parsed) return InvalidArgument(Name(path, member) + " must be one of " + kUserTypes + ".");
  return std::optional<model::UserType>(*parsed);
}

StatusOr<std::optional<model::AlexaForBusinessMetadata>> AlexaMember(const Value& obj,
                                                                     const std::string& path) {
  ASSIGN_OR_RETURN(const Value* alexa, ObjectMember(obj, "AlexaForBusinessMetadata", path));
  if (!alexa) return std::optional<model::AlexaForBusinessMetadata>();
  const std::string inner = path + "AlexaForBusinessMetadata.";
  model::AlexaForBusinessMetadata out;
  ASSIGN_OR_RETURN(auto enabled, MemberBool(*alexa, "IsAlexaForBusinessEnabled", inner));
  ASSIGN_OR_RETURN(auto arn, MemberString(*alexa, "AlexaForBusinessRoomArn", inner));
  out.enabled = enabled.value_or(false);
  out.room_arn = arn.value_or("");
  return std::optional<model::AlexaForBusinessMetadata>(std::move(out));
}

StatusOr<UserChanges> ParseUserChanges(const Value& obj, const std::string& path) {
  UserChanges changes;
  ASSIGN_OR_RETURN(changes.license_type, LicenseMember(obj, "LicenseType", path));
  ASSIGN_OR_RETURN(changes.user_type, UserTypeMember(obj, "UserType", path));
  ASSIGN_OR_RETURN(changes.alexa, AlexaMember(obj, path));
  return changes;
}

// An integer member within [min, max]; JSON numbers with a fraction or out of range fail.
StatusOr<std::optional<int>> IntMember(const Value& obj, const char* member,
                                       const std::string& path, int min, int max) {
  auto it = obj.FindMember(member);
  if (it == obj.MemberEnd() || it->value.IsNull()) return std::optional<int>();
  const std::string range =
      " must be an integer from " + std::to_string(min) + " to " + std::to_string(max) + ".";
  if (!it->value.IsInt64()) return InvalidArgument(Name(path, member) + range);
  int64_t v = it->value.GetInt64();
  if (v < min || v > max) return InvalidArgument(Name(path, member) + range);
  return std::optional<int>(static_cast<int>(v));
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

template <typename T>
void AppendUnique(std::vector<T>& out, T value) {
  if (std::find(out.begin(), out.end(), value) == out.end()) out.push_back(std::move(value));
}

StatusOr<std::optional<model::CdrSettings>> CdrMember(const Value& obj, const char* member) {
  ASSIGN_OR_RETURN(const Value* s, ObjectMember(obj, member, ""));
  if (!s) return std::optional<model::CdrSettings>();
  model::CdrSettings out;
  ASSIGN_OR_RETURN(out.cdr_bucket, MemberString(*s, "CdrBucket", std::string(member) + "."));
  return std::optional<model::CdrSettings>(std::move(out));
}

}  // namespace

StatusOr<std::string> LabelAt(const Labels& labels, size_t i, const char* member) {
  if (i >= labels.size()) return InvalidArgument(std::string(member) + " is required.");
  if (!IsValidUtf8(labels[i]))
    return InvalidArgument(std::string(member) + " must be valid UTF-8.");
  RETURN_IF_ERROR(model::RequireNonEmpty(member, labels[i]));
  if (labels[i].size() > 256) {
    return InvalidArgument(std::string(member) + " must be at most 256 characters long.");
  }
  return labels[i];
}

StatusOr<UpdateAccountRequest> ParseUpdateAccount(const Labels& labels, std::string_view body) {
  UpdateAccountRequest r;
  ASSIGN_OR_RETURN(r.account_id, LabelAt(labels, 0, "AccountId"));
  ASSIGN_OR_RETURN(JsonBody json, JsonBody::Parse(body));
  ASSIGN_OR_RETURN(r.name, json.OptionalString("Name"));
  if (r.name) RETURN_IF_ERROR(model::ValidateAccountName("Name", *r.name));
  ASSIGN_OR_RETURN(r.default_license, LicenseMember(json.root(), "DefaultLicense", ""));
  return r;
}

StatusOr<AssociateSigninDelegateGroupsRequest> ParseAssociateSigninDelegateGroups(
    const Labels& labels, std::string_view body) {
  AssociateSigninDelegateGroupsRequest r;
  ASSIGN_OR_RETURN(r.account_id, LabelAt(labels, 0, "AccountId"));
  ASSIGN_OR_RETURN(JsonBody json, JsonBody::Parse(body));
  ASSIGN_OR_RETURN(const Value* groups, RequiredArray(json.root(), "SigninDelegateGroups", "",
                                                      kMaxSigninDelegateGroups));
  for (rapidjson::SizeType i = 0; i < groups->Size(); ++i) {
    const std::string item = Indexed("SigninDelegateGroups", i);
    if (!(*groups)[i].IsObject()) return InvalidArgument(item + " must be an object.");
    // The model leaves GroupName optional, but a group without a name cannot be associated.
    ASSIGN_OR_RETURN(std::string name, Required(MemberString((*groups)[i], "GroupName", item + "."),
                                                item + ".GroupName"));
    RETURN_IF_ERROR(model::RequireNonEmpty(item + ".GroupName", name));
    AppendUnique(r.group_names, std::move(name));
  }
  return r;
}

StatusOr<DisassociateSigninDelegateGroupsRequest> ParseDisassociateSigninDelegateGroups(
    const Labels& labels, std::string_view body) {
  DisassociateSigninDelegateGroupsRequest r;
  ASSIGN_OR_RETURN(r.account_id, LabelAt(labels, 0, "AccountId"));
  ASSIGN_OR_RETURN(JsonBody json, JsonBody::Parse(body));
  ASSIGN_OR_RETURN(const Value* names,
                   RequiredArray(json.root(), "GroupNames", "", kMaxSigninDelegateGroups));
  if (names->Empty()) return InvalidArgument("GroupNames must contain at least 1 item.");
  for (rapidjson::SizeType i = 0; i < names->Size(); ++i) {
    ASSIGN_OR_RETURN(std::string name, StringItem((*names)[i], Indexed("GroupNames", i)));
    AppendUnique(r.group_names, std::move(name));
  }
  return r;
}

StatusOr<InviteUsersRequest> ParseInviteUsers(const Labels& labels, std::string_view body) {
  InviteUsersRequest r;
  ASSIGN_OR_RETURN(r.account_id, LabelAt(labels, 0, "AccountId"));
  ASSIGN_OR_RETURN(JsonBody json, JsonBody::Parse(body));
  ASSIGN_OR_RETURN(const Value* emails,
                   RequiredArray(json.root(), "UserEmailList", "", kMaxUserEmailList));
  std::vector<std::string> seen;  // lowercased
  for (rapidjson::SizeType i = 0; i < emails->Size(); ++i) {
    const std::string item = Indexed("UserEmailList", i);
    ASSIGN_OR_RETURN(std::string email, StringItem((*emails)[i], item));
    RETURN_IF_ERROR(model::ValidateEmail(item, email));
    if (email.size() > 320) return InvalidArgument(item + " must be at most 320 characters.");
    std::string key = Lower(email);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(std::move(key));
    r.emails.push_back(std::move(email));
  }
  ASSIGN_OR_RETURN(auto user_type, UserTypeMember(json.root(), "UserType", ""));
  if (user_type) r.user_type = *user_type;
  return r;
}

Status ApplyUserChanges(const UserChanges& changes, const model::Account& account,
                        const std::string& path, model::User* user) {
  if (changes.license_type) {
    const auto& supported = account.supported_licenses;
    if (std::find(supported.begin(), supported.end(), *changes.license_type) == supported.end()) {
      std::string list;
      for (auto l : supported) list += (list.empty() ? "" : ", ") + std::string(model::ToString(l));
      return InvalidArgument(path + "LicenseType " +
                             std::string(model::ToString(*changes.license_type)) +
                             " is not supported by the account (supported: " + list + ").");
    }
    user->license_type = *changes.license_type;
  }
  if (changes.user_type) user->user_type = *changes.user_type;
  if (changes.alexa) user->alexa = changes.alexa;
  return OkStatus();
}

StatusOr<UpdateUserRequest> ParseUpdateUser(const Labels& labels, std::string_view body) {
  UpdateUserRequest r;
  ASSIGN_OR_RETURN(r.account_id, LabelAt(labels, 0, "AccountId"));
  ASSIGN_OR_RETURN(r.user_id, LabelAt(labels, 1, "UserId"));
  ASSIGN_OR_RETURN(JsonBody json, JsonBody::Parse(body));
  ASSIGN_OR_RETURN(r.changes, ParseUserChanges(json.root(), ""));
  return r;
}

StatusOr<BatchUpdateUserRequest> ParseBatchUpdateUser(const Labels& labels, std::string_view body) {
  BatchUpdateUserRequest r;
  ASSIGN_OR_RETURN(r.account_id, LabelAt(labels, 0, "AccountId"));
  ASSIGN_OR_RETURN(JsonBody json, JsonBody::Parse(body));
  ASSIGN_OR_RETURN(const Value* items,
                   RequiredArray(json.root(), "UpdateUserRequestItems", "", kMaxUpdateUserItems));
  for (rapidjson::SizeType i = 0; i < items->Size(); ++i) {
    const std::string item = Indexed("UpdateUserRequestItems", i);
    if (!(*items)[i].IsObject()) return InvalidArgument(item + " must be an object.");
    BatchUpdateUserRequest::Item parsed;
    ASSIGN_OR_RETURN(parsed.user_id,
                     Required(MemberString((*items)[i], "UserId", item + "."), item + ".UserId"));
    RETURN_IF_ERROR(model::RequireNonEmpty(item + ".UserId", parsed.user_id));
    ASSIGN_OR_RETURN(parsed.changes, ParseUserChanges((*items)[i], item + "."));
    r.items.push_back(std::move(parsed));
  }
  return r;
}

StatusOr<UserIdListRequest> ParseUserIdList(const Labels& labels, std::string_view body) {
  UserIdListRequest r;
  ASSIGN_OR_RETURN(r.account_id, LabelAt(labels, 0, "AccountId"));
  ASSIGN_OR_RETURN(JsonBody json, JsonBody::Parse(body));
  ASSIGN_OR_RETURN(const Value* ids, RequiredArray(json.root(), "UserIdList", "", kMaxUserIdList));
  for (rapidjson::SizeType i = 0; i < ids->Size(); ++i) {
    const std::string item = Indexed("UserIdList", i);
    ASSIGN_OR_RETURN(std::string id, StringItem((*ids)[i], item));
    RETURN_IF_ERROR(model::RequireNonEmpty(item, id));
    AppendUnique(r.user_ids, std::move(id));
  }
  return r;
}

StatusOr<UserPathRequest> ParseUserPath(const Labels& labels) {
  UserPathRequest r;
  ASSIGN_OR_RETURN(r.account_id, LabelAt(labels, 0, "AccountId"));
  ASSIGN_OR_RETURN(r.user_id, LabelAt(labels, 1, "UserId"));
  return r;
}

StatusOr<AssociatePhoneNumberRequest> ParseAssociatePhoneNumber(const Labels& labels,
                                                                std::string_view body) {
  AssociatePhoneNumberRequest r;
  ASSIGN_OR_RETURN(r.account_id, LabelAt(labels, 0, "AccountId"));
  ASSIGN_OR_RETURN(r.user_id, LabelAt(labels, 1, "UserId"));
  ASSIGN_OR_RETURN(JsonBody json, JsonBody::Parse(body));
  ASSIGN_OR_RETURN(std::string number, json.RequiredString("E164PhoneNumber"));
  // Never echo the number: the model marks it sensitive.
  if (!model::IsE164PhoneNumber(number)) {
    return InvalidArgument(
        "E164PhoneNumber must be an E.164 phone number: an optional '+', then 2 to 15 digits, "
        "the first not 0.");
  }
  r.e164_phone_number = number[0] == '+' ? number : "+" + number;
  return r;
}

StatusOr<UpdateAccountSettingsRequest> ParseUpdateAccountSettings(const Labels& labels,
                                                                  std::string_view body) {
  UpdateAccountSettingsRequest r;
  ASSIGN_OR_RETURN(r.account_id, LabelAt(labels, 0, "AccountId"));
  ASSIGN_OR_RETURN(JsonBody json, JsonBody::Parse(body));
  ASSIGN_OR_RETURN(const Value* settings, json.OptionalObject("AccountSettings"));
  if (!settings) return InvalidArgument("AccountSettings is required.");
  ASSIGN_OR_RETURN(r.disable_remote_control,
                   MemberBool(*settings, "DisableRemoteControl", "AccountSettings."));
  ASSIGN_OR_RETURN(r.enable_dial_out, MemberBool(*settings, "EnableDialOut", "AccountSettings."));
  return r;
}

StatusOr<UpdateUserSettingsRequest> ParseUpdateUserSettings(const Labels& labels,
                                                            std::string_view body) {
  UpdateUserSettingsRequest r;
  ASSIGN_OR_RETURN(r.account_id, LabelAt(labels, 0, "AccountId"));
  ASSIGN_OR_RETURN(r.user_id, LabelAt(labels, 1, "UserId"));
  ASSIGN_OR_RETURN(JsonBody json, JsonBody::Parse(body));
  ASSIGN_OR_RETURN(const Value* settings, json.OptionalObject("UserSettings"));
  if (!settings) return InvalidArgument("UserSettings is required.");
  ASSIGN_OR_RETURN(const Value* telephony, ObjectMember(*settings, "Telephony", "UserSettings."));
  if (!telephony) return InvalidArgument("UserSettings.Telephony is required.");
  const std::string path = "UserSettings.Telephony.";
  auto& t = r.settings.telephony;
  ASSIGN_OR_RETURN(t.inbound_calling, Required(MemberBool(*telephony, "InboundCalling", path),
                                               path + "InboundCalling"));
  ASSIGN_OR_RETURN(t.outbound_calling, Required(MemberBool(*telephony, "OutboundCalling", path),
                                                path + "OutboundCalling"));
  ASSIGN_OR_RETURN(t.sms, Required(MemberBool(*telephony, "SMS", path), path + "SMS"));
  return r;
}

StatusOr<PutRetentionSettingsRequest> ParsePutRetentionSettings(const Labels& labels,
                                                                std::string_view body) {
  PutRetentionSettingsRequest r;
  ASSIGN_OR_RETURN(r.account_id, LabelAt(labels, 0, "AccountId"));
  ASSIGN_OR_RETURN(JsonBody json, JsonBody::Parse(body));
  ASSIGN_OR_RETURN(const Value* settings, json.OptionalObject("RetentionSettings"));
  if (!settings) return InvalidArgument("RetentionSettings is required.");
  for (auto [member, out] :
       {std::pair{"RoomRetentionSettings", &r.room_retention_days},
        std::pair{"ConversationRetentionSettings", &r.conversation_retention_days}}) {
    ASSIGN_OR_RETURN(const Value* s, ObjectMember(*settings, member, "RetentionSettings."));
    if (!s) continue;
    ASSIGN_OR_RETURN(
        *out, IntMember(*s, "RetentionDays", std::string("RetentionSettings.") + member + ".",
                        model::kMinRetentionDays, model::kMaxRetentionDays));
  }
  return r;
}

StatusOr<UpdateGlobalSettingsRequest> ParseUpdateGlobalSettings(std::string_view body) {
  UpdateGlobalSettingsRequest r;
  ASSIGN_OR_RETURN(JsonBody json, JsonBody::Parse(body));
  ASSIGN_OR_RETURN(r.business_calling, CdrMember(json.root(), "BusinessCalling"));
  ASSIGN_OR_RETURN(r.voice_connector, CdrMember(json.root(), "VoiceConnector"));
  return r;
}

}  // namespace chime::api
