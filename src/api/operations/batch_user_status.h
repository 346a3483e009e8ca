// Shared by BatchSuspendUser and BatchUnsuspendUser: apply one lifecycle transition to each
// listed user, reporting unknown users in UserErrors.
#pragma once

#include "api/call.h"
#include "model/account_rules.h"
#include "model/types.h"

namespace chime::api {

// `transition` changes the user and returns whether it did (an unchanged user is not written).
void RunUserStatusBatch(const CallPtr& call, model::AccountAction action,
                        bool (*transition)(model::User&));

}  // namespace chime::api
