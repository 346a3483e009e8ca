// BatchUnsuspendUser: POST /accounts/{accountId}/users?operation=unsuspend → 200
// {"UserErrors"}. Suspended users return to Registered (Unregistered if they never registered);
// users that are not suspended are ignored, as the model documents. Strict mode allows it on
// EnterpriseLWA accounts only.
#include "api/operations/batch_user_status.h"
#include "api/operations/operations.h"
#include "model/lifecycle.h"

namespace chime::api {

void BatchUnsuspendUser(const CallPtr& call) {
  RunUserStatusBatch(call, model::AccountAction::kUnsuspendUsers, &model::Unsuspend);
}

}  // namespace chime::api
