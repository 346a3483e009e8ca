// DisassociateSigninDelegateGroupsFromAccount:
// POST /accounts/{accountId}?operation=disassociate-signin-delegate-groups → 200 {}.
// Removes the named groups; a name that is not associated is ignored.
#include <algorithm>

#include "api/operations/operations.h"
#include "api/operations/requests.h"

namespace chime::api {

void DisassociateSigninDelegateGroupsFromAccount(const CallPtr& call) {
  auto request = ParseDisassociateSigninDelegateGroups(call->labels, call->body);
  if (!request.ok()) return call->Fail(request.status());
  RunWrite(call, 200, [r = std::move(*request)](store::Tx& tx, std::string* out) {
    ASSIGN_OR_RETURN(model::Account account, tx.GetAccount(r.account_id));
    std::erase_if(account.signin_delegate_groups, [&](const std::string& g) {
      return std::find(r.group_names.begin(), r.group_names.end(), g) != r.group_names.end();
    });
    RETURN_IF_ERROR(tx.UpdateAccount(account));
    *out = "{}";
    return OkStatus();
  });
}

}  // namespace chime::api
