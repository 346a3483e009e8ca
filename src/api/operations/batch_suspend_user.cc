// BatchSuspendUser: POST /accounts/{accountId}/users?operation=suspend → 200 {"UserErrors"}.
// Up to 50 users become Suspended (model/lifecycle.h); they keep their PIN. An already
// suspended user is ignored; an unknown user is reported in UserErrors. chimed keeps users
// suspended from a Team account listed in it (Amazon Chime disassociated them), so that
// DeleteAccount can see that they are suspended and an administrator can invite them again.
#include "api/operations/batch_user_status.h"
#include "api/operations/operations.h"
#include "model/lifecycle.h"

namespace chime::api {

void BatchSuspendUser(const CallPtr& call) {
  RunUserStatusBatch(call, model::AccountAction::kSuspendUsers, &model::Suspend);
}

}  // namespace chime::api
