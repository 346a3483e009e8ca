#include "model/types.h"

#include <array>
#include <utility>

namespace chime::model {
namespace {

template <typename E, size_t N>
std::optional<E> Lookup(const std::array<std::pair<E, std::string_view>, N>& table,
                        std::string_view s) {
  for (const auto& [e, name] : table) {
    if (name == s) return e;
  }
  return std::nullopt;
}

template <typename E, size_t N>
std::string_view Name(const std::array<std::pair<E, std::string_view>, N>& table, E v) {
  for (const auto& [e, name] : table) {
    if (e == v) return name;
  }
  return "";
}

constexpr std::array<std::pair<LicenseType, std::string_view>, 4> kLicense{{
    {LicenseType::kBasic, "Basic"},
    {LicenseType::kPlus, "Plus"},
    {LicenseType::kPro, "Pro"},
    {LicenseType::kProTrial, "ProTrial"},
}};
constexpr std::array<std::pair<UserType, std::string_view>, 2> kUserType{{
    {UserType::kPrivateUser, "PrivateUser"},
    {UserType::kSharedDevice, "SharedDevice"},
}};
constexpr std::array<std::pair<RegistrationStatus, std::string_view>, 3> kRegistration{{
    {RegistrationStatus::kUnregistered, "Unregistered"},
    {RegistrationStatus::kRegistered, "Registered"},
    {RegistrationStatus::kSuspended, "Suspended"},
}};
constexpr std::array<std::pair<InvitationStatus, std::string_view>, 3> kInvitation{{
    {InvitationStatus::kPending, "Pending"},
    {InvitationStatus::kAccepted, "Accepted"},
    {InvitationStatus::kFailed, "Failed"},
}};
constexpr std::array<std::pair<AccountType, std::string_view>, 4> kAccountType{{
    {AccountType::kTeam, "Team"},
    {AccountType::kEnterpriseDirectory, "EnterpriseDirectory"},
    {AccountType::kEnterpriseLWA, "EnterpriseLWA"},
    {AccountType::kEnterpriseOIDC, "EnterpriseOIDC"},
}};
constexpr std::array<std::pair<AccountStatus, std::string_view>, 2> kAccountStatus{{
    {AccountStatus::kActive, "Active"},
    {AccountStatus::kSuspended, "Suspended"},
}};

}  // namespace

std::string_view ToString(LicenseType v) { return Name(kLicense, v); }
std::string_view ToString(UserType v) { return Name(kUserType, v); }
std::string_view ToString(RegistrationStatus v) { return Name(kRegistration, v); }
std::string_view ToString(InvitationStatus v) { return Name(kInvitation, v); }
std::string_view ToString(AccountType v) { return Name(kAccountType, v); }
std::string_view ToString(AccountStatus v) { return Name(kAccountStatus, v); }

std::optional<LicenseType> ParseLicenseType(std::string_view s) { return Lookup(kLicense, s); }
std::optional<UserType> ParseUserType(std::string_view s) { return Lookup(kUserType, s); }
std::optional<AccountType> ParseAccountType(std::string_view s) {
  return Lookup(kAccountType, s);
}

}  // namespace chime::model
