// BatchUpdateUser: POST /accounts/{accountId}/users → 200 {"UserErrors": [...]}.
// A malformed request (over 20 items, a bad enum, a missing UserId) is refused as a whole.
// Otherwise each item is applied on its own: an unknown user or a license the account does not
// support is reported in UserErrors and the other items are applied.
#include "api/operations/operations.h"
#include "api/operations/requests.h"
#include "api/operations/user_errors.h"

namespace chime::api {
namespace {

Status ApplyItem(store::Tx& tx, const model::Account& account, const std::string& account_id,
                 const BatchUpdateUserRequest::Item& item) {
  ASSIGN_OR_RETURN(model::User user, tx.GetUser(account_id, item.user_id));
  RETURN_IF_ERROR(ApplyUserChanges(item.changes, account, "", &user));
  return tx.UpdateUser(user);
}

}  // namespace

void BatchUpdateUser(const CallPtr& call) {
  auto request = ParseBatchUpdateUser(call->labels, call->body);
  if (!request.ok()) return call->Fail(request.status());
  RunWrite(call, 200, [r = std::move(*request)](store::Tx& tx, std::string* out) {
    ASSIGN_OR_RETURN(model::Account account, tx.GetAccount(r.account_id));
    std::vector<UserError> errors;
    for (const auto& item : r.items) {
      Status s = ApplyItem(tx, account, r.account_id, item);
      if (s.ok()) continue;
      if (!IsItemFailure(s)) return s;
      errors.push_back(ToUserError(item.user_id, s));
    }
    *out = RenderUserErrors(errors);
    return OkStatus();
  });
}

}  // namespace chime::api
