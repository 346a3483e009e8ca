// AssociatePhoneNumberWithUser:
// POST /accounts/{accountId}/users/{userId}?operation=associate-phone-number → 200 {}.
// Sets the user's PrimaryProvisionedNumber (E.164, stored with its leading '+'), replacing a
// previous one. chimed has no phone-number inventory to order from, so any well-formed number
// is accepted (docs/api.md).
#include "api/operations/operations.h"
#include "api/operations/requests.h"

namespace chime::api {

void AssociatePhoneNumberWithUser(const CallPtr& call) {
  auto request = ParseAssociatePhoneNumber(call->labels, call->body);
  if (!request.ok()) return call->Fail(request.status());
  RunWrite(call, 200, [r = std::move(*request)](store::Tx& tx, std::string* out) {
    RETURN_IF_ERROR(tx.GetAccount(r.account_id).status());
    ASSIGN_OR_RETURN(model::User user, tx.GetUser(r.account_id, r.user_id));
    user.primary_provisioned_number = r.e164_phone_number;
    RETURN_IF_ERROR(tx.UpdateUser(user));
    *out = "{}";
    return OkStatus();
  });
}

}  // namespace chime::api
