// AssociateSigninDelegateGroupsWithAccount:
// POST /accounts/{accountId}?operation=associate-signin-delegate-groups → 200 {}.
// Adds the groups (a group already associated stays once); GetAccount then lists them.
#include <algorithm>

#include "api/operations/operations.h"
#include "api/operations/requests.h"

namespace chime::api {

void AssociateSigninDelegateGroupsWithAccount(const CallPtr& call) {
  auto request = ParseAssociateSigninDelegateGroups(call->labels, call->body);
  if (!request.ok()) return call->Fail(request.status());
  RunWrite(call, 200, [r = std::move(*request)](store::Tx& tx, std::string* out) {
    ASSIGN_OR_RETURN(model::Account account, tx.GetAccount(r.account_id));
    auto& groups = account.signin_delegate_groups;
    for (const auto& name : r.group_names) {
      if (std::find(groups.begin(), groups.end(), name) == groups.end()) groups.push_back(name);
    }
    if (groups.size() > kMaxSigninDelegateGroups) {
      return InvalidArgument("SigninDelegateGroups: an account can have at most " +
                             std::to_string(kMaxSigninDelegateGroups) +
                             " sign-in delegate groups.");
    }
    RETURN_IF_ERROR(tx.UpdateAccount(account));
    *out = "{}";
    return OkStatus();
  });
}

}  // namespace chime::api
