// One handler per Chime operation, each in its own file named after it. A handler validates
// everything first (a rejected request changes nothing), then reads or queues a write, and
// finishes the Call exactly once.
#pragma once

#include "api/call.h"

namespace chime::api {

using OperationHandler = void (*)(const CallPtr& call);

// The handler for `op`, or nullptr when this build does not implement it.
OperationHandler HandlerFor(Op op);

void CreateAccount(const CallPtr& call);
void GetAccount(const CallPtr& call);
void ListAccounts(const CallPtr& call);
void CreateUser(const CallPtr& call);
void GetUser(const CallPtr& call);
void ListUsers(const CallPtr& call);
void ResetPersonalPIN(const CallPtr& call);
void UpdateAccount(const CallPtr& call);
void DeleteAccount(const CallPtr& call);
void GetAccountSettings(const CallPtr& call);
void UpdateAccountSettings(const CallPtr& call);
void AssociateSigninDelegateGroupsWithAccount(const CallPtr& call);
void DisassociateSigninDelegateGroupsFromAccount(const CallPtr& call);
void InviteUsers(const CallPtr& call);
void UpdateUser(const CallPtr& call);
void BatchUpdateUser(const CallPtr& call);
void BatchSuspendUser(const CallPtr& call);
void BatchUnsuspendUser(const CallPtr& call);
void LogoutUser(const CallPtr& call);
void GetUserSettings(const CallPtr& call);
void UpdateUserSettings(const CallPtr& call);
void AssociatePhoneNumberWithUser(const CallPtr& call);
void DisassociatePhoneNumberFromUser(const CallPtr& call);
void GetRetentionSettings(const CallPtr& call);
void PutRetentionSettings(const CallPtr& call);
void GetGlobalSettings(const CallPtr& call);
void UpdateGlobalSettings(const CallPtr& call);

}  // namespace chime::api
