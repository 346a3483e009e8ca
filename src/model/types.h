// Chime's domain objects as chimed stores them. Plain data, no I/O. Wire names and enum
// spellings follow botocore's model for chime 2018-05-01.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chime::model {

enum class LicenseType { kBasic, kPlus, kPro, kProTrial };
enum class UserType { kPrivateUser, kSharedDevice };
enum class RegistrationStatus { kUnregistered, kRegistered, kSuspended };
enum class InvitationStatus { kPending, kAccepted, kFailed };
enum class AccountType { kTeam, kEnterpriseDirectory, kEnterpriseLWA, kEnterpriseOIDC };
enum class AccountStatus { kActive, kSuspended };

std::string_view ToString(LicenseType v);
std::string_view ToString(UserType v);
std::string_view ToString(RegistrationStatus v);
std::string_view ToString(InvitationStatus v);
std::string_view ToString(AccountType v);
std::string_view ToString(AccountStatus v);

// Parse the wire spelling; nullopt when the text is not a member of the enum.
std::optional<LicenseType> ParseLicenseType(std::string_view s);
std::optional<UserType> ParseUserType(std::string_view s);
std::optional<AccountType> ParseAccountType(std::string_view s);

struct Account {
  std::string account_id;      // lowercase UUID
  std::string aws_account_id;  // 12 digits
  std::string name;
  AccountType account_type = AccountType::kTeam;
  int64_t created_ms = 0;
  LicenseType default_license = LicenseType::kPro;
  std::vector<LicenseType> supported_licenses;
  AccountStatus status = AccountStatus::kActive;
  std::vector<std::string> signin_delegate_groups;
};

struct AlexaForBusinessMetadata {
  bool enabled = false;
  std::string room_arn;
};

struct User {
  std::string user_id;  // lowercase UUID
  std::string account_id;
  std::string primary_email;
  std::string primary_provisioned_number;
  std::string display_name;
  LicenseType license_type = LicenseType::kPro;
  UserType user_type = UserType::kPrivateUser;
  RegistrationStatus registration_status = RegistrationStatus::kUnregistered;
  std::optional<InvitationStatus> invitation_status;
  std::optional<int64_t> registered_ms;
  std::optional<int64_t> invited_ms;
  std::optional<AlexaForBusinessMetadata> alexa;
  std::string personal_pin;  // empty until registration
};

}  // namespace chime::model
