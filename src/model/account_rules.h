// Amazon Chime's account-type rules, as the model documents them, and chimed's two modes.
//
// Amazon Chime tied some operations to account types: CreateAccount makes Team accounts only;
// InviteUsers is for Team accounts; CreateUser was meant for directory-backed (Enterprise)
// accounts; BatchSuspendUser works on Team and EnterpriseLWA accounts; BatchUnsuspendUser only
// on EnterpriseLWA accounts; retention settings belong to Enterprise accounts; a Team account
// can be deleted only once all of its users are suspended.
//
// chimed has no email delivery and no directory, so by default (lenient mode) it allows every
// operation on every account type; only the DeleteAccount rule, which protects data, always
// holds. With --strict-account-types every rule applies, with a message that says which rule
// refused the request (Amazon Chime only said "Service received a bad request").
// docs/api.md lists every departure.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "model/types.h"

namespace chime::model {

enum class AccountAction {
  kCreateUser,         // CreateUser
  kInviteUsers,        // InviteUsers
  kSuspendUsers,       // BatchSuspendUser
  kUnsuspendUsers,     // BatchUnsuspendUser
  kRetentionSettings,  // GetRetentionSettings, PutRetentionSettings
};

// OK when `action` is allowed on an account of `type`: always when !strict, otherwise as
// Amazon Chime allowed it. kInvalidArgument (BadRequestException, the only error these
// operations list for it) with a specific message otherwise.
Status CheckAccountAction(AccountAction action, AccountType type, bool strict);

// DeleteAccount's precondition, given how many users of the account are not Suspended.
// Team accounts: every user must be suspended first (both modes). Enterprise accounts: in
// strict mode too (Amazon Chime suspended every user when the claimed domains were released,
// which it required before deletion); in lenient mode they can be deleted at once, since chimed
// has no domains to release. kUnprocessable (UnprocessableEntityException) otherwise.
Status CheckAccountDeletable(AccountType type, int64_t unsuspended_users, bool strict);

}  // namespace chime::model
