// UpdateUser: POST /accounts/{accountId}/users/{userId} → 200 {"User": ...} (without the PIN,
// which only GetUser and ResetPersonalPIN return). LicenseType (one the account supports),
// UserType and AlexaForBusinessMetadata change; every other body member, such as PersonalPIN,
// UserId or UserRegistrationStatus, is ignored.
#include "api/operations/operations.h"
#include "api/operations/requests.h"
#include "api/render.h"

namespace chime::api {

void UpdateUser(const CallPtr& call) {
  auto request = ParseUpdateUser(call->labels, call->body);
  if (!request.ok()) return call->Fail(request.status());
  RunWrite(call, 200, [r = std::move(*request)](store::Tx& tx, std::string* out) {
    ASSIGN_OR_RETURN(model::Account account, tx.GetAccount(r.account_id));
    ASSIGN_OR_RETURN(model::User user, tx.GetUser(r.account_id, r.user_id));
    RETURN_IF_ERROR(ApplyUserChanges(r.changes, account, "", &user));
    RETURN_IF_ERROR(tx.UpdateUser(user));
    *out = RenderUser(user, /*with_pin=*/false);
    return OkStatus();
  });
}

}  // namespace chime::api
