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

}  // namespace chime::api
