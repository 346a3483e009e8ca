// The Chime account/user API's shapes as the client sees them (botocore model chime 2018-05-01).
//
// Members mirror the model one to one, in the model's order. Optional members are std::optional
// and are omitted from requests when unset. Enum-valued members are strings holding the model's
// spelling ("Pro", "PrivateUser", ...) so that a value added to the service later still reads;
// the k* constants below name today's values. Timestamps are kept as the ISO 8601 text the
// server sent ("2018-12-20T18:45:25.231Z"), exactly as the AWS CLI prints them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace chime::client {

// License: Basic | Plus | Pro | ProTrial. UserType: PrivateUser | SharedDevice.
inline constexpr const char* kLicenseTypes[] = {"Basic", "Plus", "Pro", "ProTrial"};
inline constexpr const char* kUserTypes[] = {"PrivateUser", "SharedDevice"};

struct AlexaForBusinessMetadata {
  std::optional<bool> is_alexa_for_business_enabled;
  std::optional<std::string> alexa_for_business_room_arn;
};

struct User {
  std::string user_id;  // required
  std::optional<std::string> account_id;
  std::optional<std::string> primary_email;
  std::optional<std::string> primary_provisioned_number;
  std::optional<std::string> display_name;
  std::optional<std::string> license_type;
  std::optional<std::string> user_type;
  std::optional<std::string> user_registration_status;  // Unregistered|Registered|Suspended
  std::optional<std::string> user_invitation_status;    // Pending|Accepted|Failed
  std::optional<std::string> registered_on;
  std::optional<std::string> invited_on;
  std::optional<AlexaForBusinessMetadata> alexa_for_business_metadata;
  std::optional<std::string> personal_pin;  // secret-ish: never log it
};

struct SigninDelegateGroup {
  std::optional<std::string> group_name;
};

struct Account {
  std::string aws_account_id;               // required
  std::string account_id;                   // required
  std::string name;                         // required
  std::optional<std::string> account_type;  // Team|EnterpriseDirectory|EnterpriseLWA|EnterpriseOIDC
  std::optional<std::string> created_timestamp;
  std::optional<std::string> default_license;
  std::optional<std::vector<std::string>> supported_licenses;
  std::optional<std::string> account_status;  // Suspended|Active
  std::optional<std::vector<SigninDelegateGroup>> signin_delegate_groups;
};

struct AccountSettings {
  std::optional<bool> disable_remote_control;
  std::optional<bool> enable_dial_out;
};

struct TelephonySettings {
  bool inbound_calling = false;
  bool outbound_calling = false;
  bool sms = false;
};

struct UserSettings {
  TelephonySettings telephony;
};

struct Invite {
  std::optional<std::string> invite_id;
  std::optional<std::string> status;  // Pending|Accepted|Failed
  std::optional<std::string> email_address;
  std::optional<std::string> email_status;  // NotSent|Sent|Failed
};

// One failed item of a batch operation.
struct UserError {
  std::optional<std::string> user_id;
  std::optional<std::string> error_code;  // the ErrorCode enum: "NotFound", "BadRequest", ...
  std::optional<std::string> error_message;
};

struct RoomRetentionSettings {
  std::optional<int> retention_days;
};
struct ConversationRetentionSettings {
  std::optional<int> retention_days;
};
struct RetentionSettings {
  std::optional<RoomRetentionSettings> room_retention_settings;
  std::optional<ConversationRetentionSettings> conversation_retention_settings;
};

struct BusinessCallingSettings {
  std::optional<std::string> cdr_bucket;
};
struct VoiceConnectorSettings {
  std::optional<std::string> cdr_bucket;
};

struct UpdateUserRequestItem {
  std::string user_id;  // required
  std::optional<std::string> license_type;
  std::optional<std::string> user_type;
  std::optional<AlexaForBusinessMetadata> alexa_for_business_metadata;
};

}  // namespace chime::client
