// Typed inputs of the account/user operations added after the core, parsed from the decoded
// path labels and the JSON body. Every model constraint (required members, list sizes, enums,
// patterns, lengths, integer ranges, nested structures) is checked here, before anything is
// read or written, with a kInvalidArgument whose message names the member ("UserIdList[2]",
// "UpdateUserRequestItems[0].LicenseType"). Members that are not inputs of the operation are
// ignored, and path members always win over body members of the same name. Pure functions:
// unit-tested in requests_test.cc.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/settings.h"
#include "model/types.h"

namespace chime::api {

using Labels = std::vector<std::string>;

// Model list limits.
inline constexpr size_t kMaxUserIdList = 50;       // UserIdList
inline constexpr size_t kMaxUserEmailList = 50;    // UserEmailList
inline constexpr size_t kMaxUpdateUserItems = 20;  // UpdateUserRequestItemList
// Not a model limit: a bound on what one account keeps, so no client can grow it without end.
inline constexpr size_t kMaxSigninDelegateGroups = 100;

// Path label i, required and non-blank (pattern .*\S.*), named `member` in errors.
StatusOr<std::string> LabelAt(const Labels& labels, size_t i, const char* member);

struct UpdateAccountRequest {
  std::string account_id;
  std::optional<std::string> name;
  std::optional<model::LicenseType> default_license;
};
StatusOr<UpdateAccountRequest> ParseUpdateAccount(const Labels& labels, std::string_view body);

struct AssociateSigninDelegateGroupsRequest {
  std::string account_id;
  std::vector<std::string> group_names;  // in request order, duplicates removed
};
StatusOr<AssociateSigninDelegateGroupsRequest> ParseAssociateSigninDelegateGroups(
    const Labels& labels, std::string_view body);

struct DisassociateSigninDelegateGroupsRequest {
  std::string account_id;
  std::vector<std::string> group_names;
};
StatusOr<DisassociateSigninDelegateGroupsRequest> ParseDisassociateSigninDelegateGroups(
    const Labels& labels, std::string_view body);

struct InviteUsersRequest {
  std::string account_id;
  std::vector<std::string> emails;  // in request order, case-insensitive duplicates removed
  model::UserType user_type = model::UserType::kPrivateUser;
};
StatusOr<InviteUsersRequest> ParseInviteUsers(const Labels& labels, std::string_view body);

// The members UpdateUser and each BatchUpdateUser item may change.
struct UserChanges {
  std::optional<model::LicenseType> license_type;
  std::optional<model::UserType> user_type;
  std::optional<model::AlexaForBusinessMetadata> alexa;
};
// Applies `changes` to `user`. The license must be one the account supports: kInvalidArgument
// naming `path`LicenseType otherwise (user unchanged).
Status ApplyUserChanges(const UserChanges& changes, const model::Account& account,
                        const std::string& path, model::User* user);

struct UpdateUserRequest {
  std::string account_id;
  std::string user_id;
  UserChanges changes;
};
StatusOr<UpdateUserRequest> ParseUpdateUser(const Labels& labels, std::string_view body);

struct BatchUpdateUserRequest {
  struct Item {
    std::string user_id;
    UserChanges changes;
  };
  std::string account_id;
  std::vector<Item> items;
};
StatusOr<BatchUpdateUserRequest> ParseBatchUpdateUser(const Labels& labels, std::string_view body);

// BatchSuspendUser and BatchUnsuspendUser.
struct UserIdListRequest {
  std::string account_id;
  std::vector<std::string> user_ids;  // in request order, duplicates removed
};
StatusOr<UserIdListRequest> ParseUserIdList(const Labels& labels, std::string_view body);

// Operations addressed to one user with no other input: LogoutUser, GetUserSettings,
// DisassociatePhoneNumberFromUser.
struct UserPathRequest {
  std::string account_id;
  std::string user_id;
};
StatusOr<UserPathRequest> ParseUserPath(const Labels& labels);

struct AssociatePhoneNumberRequest {
  std::string account_id;
  std::string user_id;
  std::string e164_phone_number;  // normalised to a leading '+'
};
StatusOr<AssociatePhoneNumberRequest> ParseAssociatePhoneNumber(const Labels& labels,
                                                                std::string_view body);

// UpdateAccountSettings: only the members present change.
struct UpdateAccountSettingsRequest {
  std::string account_id;
  std::optional<bool> disable_remote_control;
  std::optional<bool> enable_dial_out;
};
StatusOr<UpdateAccountSettingsRequest> ParseUpdateAccountSettings(const Labels& labels,
                                                                  std::string_view body);

struct UpdateUserSettingsRequest {
  std::string account_id;
  std::string user_id;
  model::UserSettings settings;
};
StatusOr<UpdateUserSettingsRequest> ParseUpdateUserSettings(const Labels& labels,
                                                            std::string_view body);

// PutRetentionSettings replaces the policy: an absent RetentionDays turns that one off.
struct PutRetentionSettingsRequest {
  std::string account_id;
  std::optional<int> room_retention_days;
  std::optional<int> conversation_retention_days;
};
StatusOr<PutRetentionSettingsRequest> ParsePutRetentionSettings(const Labels& labels,
                                                                std::string_view body);

// UpdateGlobalSettings: a structure present replaces the stored one; an absent one is kept.
struct UpdateGlobalSettingsRequest {
  std::optional<model::CdrSettings> business_calling;
  std::optional<model::CdrSettings> voice_connector;
};
StatusOr<UpdateGlobalSettingsRequest> ParseUpdateGlobalSettings(std::string_view body);

}  // namespace chime::api
