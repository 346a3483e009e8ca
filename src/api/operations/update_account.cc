// UpdateAccount: POST /accounts/{accountId} → 200 {"Account": ...}. Only Name and
// DefaultLicense change (as in Amazon Chime); the new default license must be one the account
// supports.
#include <algorithm>

#include "api/operations/operations.h"
#include "api/operations/requests.h"
#include "api/render.h"

namespace chime::api {

void UpdateAccount(const CallPtr& call) {
  auto request = ParseUpdateAccount(call->labels, call->body);
  if (!request.ok()) return call->Fail(request.status());
  RunWrite(call, 200, [r = std::move(*request)](store::Tx& tx, std::string* out) {
    ASSIGN_OR_RETURN(model::Account account, tx.GetAccount(r.account_id));
    if (r.name) account.name = *r.name;
    if (r.default_license) {
      const auto& supported = account.supported_licenses;
      if (std::find(supported.begin(), supported.end(), *r.default_license) == supported.end()) {
        return InvalidArgument("DefaultLicense " +
                               std::string(model::ToString(*r.default_license)) +
                               " is not one of the account's SupportedLicenses.");
      }
      account.default_license = *r.default_license;
    }
    RETURN_IF_ERROR(tx.UpdateAccount(account));
    *out = RenderAccount(account);
    return OkStatus();
  });
}

}  // namespace chime::api
