// GetUser: GET /accounts/{accountId}/users/{userId} → 200 {"User": ...}, PIN included.
// A user id that exists only in another account is NotFound (no existence leaks).
#include "api/operations/inputs.h"
#include "api/operations/operations.h"
#include "api/render.h"

namespace chime::api {

void GetUser(const CallPtr& call) {
  auto account_id = AccountIdLabel(*call);
  if (!account_id.ok()) return call->Fail(account_id.status());
  auto user_id = UserIdLabel(*call);
  if (!user_id.ok()) return call->Fail(user_id.status());
  RunRead(call, 200, [a = *account_id, u = *user_id](store::Tx& tx, std::string* out) {
    // The user is read first: a user row implies its account's (users.account_id references
    // accounts, and DeleteAccount removes the users in the same transaction), so the account
    // is only read when the user is missing, to report the account's NotFound first as
    // before. That saves one store read on every successful GetUser.
    StatusOr<model::User> user = tx.GetUser(a, u);
    if (!user.ok()) {
      if (user.status().code() == Code::kNotFound) RETURN_IF_ERROR(tx.GetAccount(a).status());
      return user.status();
    }
    *out = RenderUser(*user, /*with_pin=*/true);
    return OkStatus();
  });
}

}  // namespace chime::api
