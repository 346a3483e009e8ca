#include "api/operations/operations.h"

namespace chime::api {

OperationHandler HandlerFor(Op op) {
  switch (op) {
    case Op::kCreateAccount: return &CreateAccount;
    case Op::kGetAccount: return &GetAccount;
    case Op::kListAccounts: return &ListAccounts;
    case Op::kCreateUser: return &CreateUser;
    case Op::kGetUser: return &GetUser;
    case Op::kListUsers: return &ListUsers;
    case Op::kResetPersonalPIN: return &ResetPersonalPIN;
    case Op::kUpdateAccount: return &UpdateAccount;
    case Op::kDeleteAccount: return &DeleteAccount;
    case Op::kGetAccountSettings: return &GetAccountSettings;
    case Op::kUpdateAccountSettings: return &UpdateAccountSettings;
    case Op::kAssociateSigninDelegateGroupsWithAccount: return &AssociateSigninDelegateGroupsWithAccount;
    case Op::kDisassociateSigninDelegateGroupsFromAccount: return &DisassociateSigninDelegateGroupsFromAccount;
    case Op::kInviteUsers: return &InviteUsers;
    case Op::kUpdateUser: return &UpdateUser;
    case Op::kBatchUpdateUser: return &BatchUpdateUser;
    case Op::kBatchSuspendUser: return &BatchSuspendUser;
    case Op::kBatchUnsuspendUser: return &BatchUnsuspendUser;
    case Op::kLogoutUser: return &LogoutUser;
    case Op::kGetUserSettings: return &GetUserSettings;
    case Op::kUpdateUserSettings: return &UpdateUserSettings;
    case Op::kAssociatePhoneNumberWithUser: return &AssociatePhoneNumberWithUser;
    case Op::kDisassociatePhoneNumberFromUser: return &DisassociatePhoneNumberFromUser;
    case Op::kGetRetentionSettings: return &GetRetentionSettings;
    case Op::kPutRetentionSettings: return &PutRetentionSettings;
    case Op::kGetGlobalSettings: return &GetGlobalSettings;
    case Op::kUpdateGlobalSettings: return &UpdateGlobalSettings;
    default: return nullptr;
  }
}

}  // namespace chime::api
