// The Chime account/user operations chimed answers, with their wire facts from botocore's
// model: name, success status and which error shapes the model lists for them.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace chime::api {

enum class Op {
  kCreateAccount,
  kGetAccount,
  kUpdateAccount,
  kDeleteAccount,
  kListAccounts,
  kGetAccountSettings,
  kUpdateAccountSettings,
  kAssociateSigninDelegateGroupsWithAccount,
  kDisassociateSigninDelegateGroupsFromAccount,
  kCreateUser,
  kInviteUsers,
  kGetUser,
  kUpdateUser,
  kListUsers,
  kResetPersonalPIN,
  kLogoutUser,
  kBatchUpdateUser,
  kBatchSuspendUser,
  kBatchUnsuspendUser,
  kGetUserSettings,
  kUpdateUserSettings,
  kAssociatePhoneNumberWithUser,
  kDisassociatePhoneNumberFromUser,
  kGetRetentionSettings,
  kPutRetentionSettings,
  kGetGlobalSettings,
  kUpdateGlobalSettings,
  kCount,
};

// "ResetPersonalPIN": the model's operation name, also the IAM action suffix (chime:<Name>).
std::string_view OpName(Op op);

// Whether the model lists the error shape that `code` maps to for this operation.
bool OpListsError(Op op, Code code);

}  // namespace chime::api
