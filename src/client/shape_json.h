// Conversions between the client's shapes (types.h) and JSON documents in the wire format of
// the rest-json protocol: member names as the model spells them, in the model's order, absent
// optional members omitted.
//
// Readers are lenient like botocore's parser: unknown members are ignored and a member of the
// wrong JSON type is treated as absent. They never fail.
#pragma once

#include <rapidjson/document.h>

#include "client/requests.h"
#include "client/types.h"

namespace chime::client {

using JsonAlloc = rapidjson::Document::AllocatorType;

rapidjson::Value ToJson(const User& v, JsonAlloc& a);
rapidjson::Value ToJson(const Account& v, JsonAlloc& a);
rapidjson::Value ToJson(const AlexaForBusinessMetadata& v, JsonAlloc& a);
rapidjson::Value ToJson(const SigninDelegateGroup& v, JsonAlloc& a);
rapidjson::Value ToJson(const AccountSettings& v, JsonAlloc& a);
rapidjson::Value ToJson(const UserSettings& v, JsonAlloc& a);
rapidjson::Value ToJson(const Invite& v, JsonAlloc& a);
rapidjson::Value ToJson(const UserError& v, JsonAlloc& a);
rapidjson::Value ToJson(const RetentionSettings& v, JsonAlloc& a);
rapidjson::Value ToJson(const UpdateUserRequestItem& v, JsonAlloc& a);
rapidjson::Value ToJson(const GlobalSettings& v,
                        JsonAlloc& a);  // {BusinessCalling, VoiceConnector}
rapidjson::Value ToJson(const RetentionSettingsResponse& v, JsonAlloc& a);

User UserFromJson(const rapidjson::Value& v);
Account AccountFromJson(const rapidjson::Value& v);
AccountSettings AccountSettingsFromJson(const rapidjson::Value& v);
UserSettings UserSettingsFromJson(const rapidjson::Value& v);
Invite InviteFromJson(const rapidjson::Value& v);
UserError UserErrorFromJson(const rapidjson::Value& v);
RetentionSettings RetentionSettingsFromJson(const rapidjson::Value& v);
GlobalSettings GlobalSettingsFromJson(const rapidjson::Value& v);
AlexaForBusinessMetadata AlexaFromJson(const rapidjson::Value& v);
SigninDelegateGroup SigninDelegateGroupFromJson(const rapidjson::Value& v);
UpdateUserRequestItem UpdateUserRequestItemFromJson(const rapidjson::Value& v);

}  // namespace chime::client
