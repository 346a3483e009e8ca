// LogoutUser: POST /accounts/{accountId}/users/{userId}?operation=logout → 204.
// chimed serves the administration API only: it holds no client sign-in sessions, so there is
// nothing to end. The call still checks that the user exists, so scripts get the NotFound they
// would get from Amazon Chime.
#include "api/operations/operations.h"
#include "api/operations/requests.h"

namespace chime::api {

void LogoutUser(const CallPtr& call) {
  auto request = ParseUserPath(call->labels);
  if (!request.ok()) return call->Fail(request.status());
  RunRead(call, 204, [r = std::move(*request)](store::Tx& tx, std::string*) {
    RETURN_IF_ERROR(tx.GetAccount(r.account_id).status());
    return tx.GetUser(r.account_id, r.user_id).status();
  });
}

}  // namespace chime::api
