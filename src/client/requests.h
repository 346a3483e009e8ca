// One request and (where it has more than one member) one response type per operation, named
// after the model's <Operation>Request / <Operation>Response. Path members are required and
// must be non-empty; the client percent-encodes them like botocore.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "client/types.h"

namespace chime::client {

// ---- accounts --------------------------------------------------------------------------------
struct CreateAccountRequest {
  std::string name;
};
struct GetAccountRequest {
  std::string account_id;
};
struct UpdateAccountRequest {
  std::string account_id;
  std::optional<std::string> name;
  std::optional<std::string> default_license;
};
struct DeleteAccountRequest {
  std::string account_id;
};
struct ListAccountsRequest {
  std::optional<std::string> name;
  std::optional<std::string> user_email;
  std::optional<std::string> next_token;
  std::optional<int> max_results;  // 1..200
};
struct ListAccountsResponse {
  std::vector<Account> accounts;
  std::optional<std::string> next_token;
};
struct GetAccountSettingsRequest {
  std::string account_id;
};
struct UpdateAccountSettingsRequest {
  std::string account_id;
  AccountSettings account_settings;
};
struct AssociateSigninDelegateGroupsWithAccountRequest {
  std::string account_id;
  std::vector<SigninDelegateGroup> signin_delegate_groups;
};
struct DisassociateSigninDelegateGroupsFromAccountRequest {
  std::string account_id;
  std::vector<std::string> group_names;
};
struct GetRetentionSettingsRequest {
  std::string account_id;
};
struct PutRetentionSettingsRequest {
  std::string account_id;
  RetentionSettings retention_settings;
};
// The output of GetRetentionSettings and PutRetentionSettings.
struct RetentionSettingsResponse {
  std::optional<RetentionSettings> retention_settings;
  std::optional<std::string> initiate_deletion_timestamp;
};

// ---- users -----------------------------------------------------------------------------------
struct CreateUserRequest {
  std::string account_id;
  std::optional<std::string> username;
  std::optional<std::string> email;
  std::optional<std::string> user_type;
};
struct InviteUsersRequest {
  std::string account_id;
  std::vector<std::string> user_email_list;  // at most 50
  std::optional<std::string> user_type;
};
struct GetUserRequest {
  std::string account_id;
  std::string user_id;
};
struct UpdateUserRequest {
  std::string account_id;
  std::string user_id;
  std::optional<std::string> license_type;
  std::optional<std::string> user_type;
  std::optional<AlexaForBusinessMetadata> alexa_for_business_metadata;
};
struct ListUsersRequest {
  std::string account_id;
  std::optional<std::string> user_email;
  std::optional<std::string> user_type;
  std::optional<int> max_results;  // 1..200
  std::optional<std::string> next_token;
};
struct ListUsersResponse {
  std::vector<User> users;
  std::optional<std::string> next_token;
};
struct ResetPersonalPinRequest {
  std::string account_id;
  std::string user_id;
};
struct LogoutUserRequest {
  std::string account_id;
  std::string user_id;
};
struct BatchUpdateUserRequest {
  std::string account_id;
  std::vector<UpdateUserRequestItem> update_user_request_items;  // at most 20
};
struct BatchSuspendUserRequest {
  std::string account_id;
  std::vector<std::string> user_id_list;  // at most 50
};
struct BatchUnsuspendUserRequest {
  std::string account_id;
  std::vector<std::string> user_id_list;  // at most 50
};
struct GetUserSettingsRequest {
  std::string account_id;
  std::string user_id;
};
struct UpdateUserSettingsRequest {
  std::string account_id;
  std::string user_id;
  UserSettings user_settings;
};
struct AssociatePhoneNumberWithUserRequest {
  std::string account_id;
  std::string user_id;
  std::string e164_phone_number;
};
struct DisassociatePhoneNumberFromUserRequest {
  std::string account_id;
  std::string user_id;
};

// ---- global ----------------------------------------------------------------------------------
struct GetGlobalSettingsRequest {};
struct GlobalSettings {
  std::optional<BusinessCallingSettings> business_calling;
  std::optional<VoiceConnectorSettings> voice_connector;
};
using UpdateGlobalSettingsRequest = GlobalSettings;

}  // namespace chime::client
