// DisassociatePhoneNumberFromUser:
// POST /accounts/{accountId}/users/{userId}?operation=disassociate-phone-number → 200 {}.
// Clears PrimaryProvisionedNumber; a user without one is left as it is.
#include "api/operations/operations.h"
#include "api/operations/requests.h"

namespace chime::api {

void DisassociatePhoneNumberFromUser(const CallPtr& call) {
  auto request = ParseUserPath(call->labels);
  if (!request.ok()) return call->Fail(request.status());
  RunWrite(call, 200, [r = std::move(*request)](store::Tx& tx, std::string* out) {
    RETURN_IF_ERROR(tx.GetAccount(r.account_id).status());
    ASSIGN_OR_RETURN(model::User user, tx.GetUser(r.account_id, r.user_id));
    if (!user.primary_provisioned_number.empty()) {
      user.primary_provisioned_number.clear();
      RETURN_IF_ERROR(tx.UpdateUser(user));
    }
    *out = "{}";
    return OkStatus();
  });
}

}  // namespace chime::api
