// GetAccount: GET /accounts/{accountId} → 200 {"Account": ...}.
#include "api/operations/inputs.h"
#include "api/operations/operations.h"
#include "api/render.h"

namespace chime::api {

void GetAccount(const CallPtr& call) {
  auto account_id = AccountIdLabel(*call);
  if (!account_id.ok()) return call->Fail(account_id.status());
  RunRead(call, 200, [id = *account_id](store::Tx& tx, std::string* out) {
    ASSIGN_OR_RETURN(model::Account account, tx.GetAccount(id));
    *out = RenderAccount(account);
    return OkStatus();
  });
}

}  // namespace chime::api
