#include "model/account_rules.h"

#include <string>

namespace chime::model {
namespace {

bool IsEnterprise(AccountType type) { return type != AccountType::kTeam; }

// `subject` carries its verb: "CreateUser is", "Retention settings are".
Status Refuse(std::string_view subject, std::string_view allowed, AccountType type) {
  return InvalidArgument(std::string(subject) + " available only for " + std::string(allowed) +
                         " accounts, and this account is of type " + std::string(ToString(type)) +
                         " (Amazon Chime's account-type rule, enforced because chimed runs "
                         "with --strict-account-types).");
}

}  // namespace

Status CheckAccountAction(AccountAction action, AccountType type, bool strict) {
  if (!strict) return OkStatus();
  switch (action) {
    case AccountAction::kCreateUser:
      if (IsEnterprise(type)) return OkStatus();
      return Refuse("CreateUser is",
                    "Enterprise (EnterpriseDirectory, EnterpriseLWA, EnterpriseOIDC)", type);
    case AccountAction::kInviteUsers:
      if (type == AccountType::kTeam) return OkStatus();
      return Refuse("InviteUsers is", "Team", type);
    case AccountAction::kSuspendUsers:
      if (type == AccountType::kTeam || type == AccountType::kEnterpriseLWA) return OkStatus();
      return Refuse("BatchSuspendUser is", "Team and EnterpriseLWA", type);
    case AccountAction::kUnsuspendUsers:
      if (type == AccountType::kEnterpriseLWA) return OkStatus();
      if (type == AccountType::kTeam) {
        return InvalidArgument(
            "BatchUnsuspendUser is available only for EnterpriseLWA accounts; users suspended "
            "from a Team account are unsuspended by inviting them again (InviteUsers) "
            "(Amazon Chime's account-type rule, enforced because chimed runs with "
            "--strict-account-types).");
      }
      return Refuse("BatchUnsuspendUser is", "EnterpriseLWA", type);
    case AccountAction::kRetentionSettings:
      if (IsEnterprise(type)) return OkStatus();
      return Refuse("Retention settings are", "Enterprise", type);
  }
  return OkStatus();
}

Status CheckAccountDeletable(AccountType type, int64_t unsuspended_users, bool strict) {
  if (unsuspended_users == 0) return OkStatus();
  if (type == AccountType::kTeam) {
    return Unprocessable(
        "A Team account can be deleted only when all of its users are "
        "suspended; " +
        std::to_string(unsuspended_users) +
        " user(s) are not suspended. Suspend them with BatchSuspendUser first.");
  }
  if (!strict) return OkStatus();
  return Unprocessable("An " + std::string(ToString(type)) +
                       " account can be deleted only when all of its users are suspended (in "
                       "Amazon Chime, releasing the claimed domains suspended them); " +
                       std::to_string(unsuspended_users) +
                       " user(s) are not suspended. Suspend them with BatchSuspendUser first.");
}

}  // namespace chime::model
