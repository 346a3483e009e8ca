// UpdateUserSettings: PUT /accounts/{accountId}/users/{userId}/settings → 204. The model makes
// every Telephony member required, so the settings are replaced as a whole.
#include "api/operations/operations.h"
#include "api/operations/requests.h"
#include "api/operations/settings_json.h"

namespace chime::api {

void UpdateUserSettings(const CallPtr& call) {
  auto request = ParseUpdateUserSettings(call->labels, call->body);
  if (!request.ok()) return call->Fail(request.status());
  RunWrite(call, 204, [r = std::move(*request)](store::Tx& tx, std::string*) {
    RETURN_IF_ERROR(tx.GetAccount(r.account_id).status());
    RETURN_IF_ERROR(tx.GetUser(r.account_id, r.user_id).status());
    return tx.PutDocument(kUserSettingsKind, r.user_id, EncodeUserSettings(r.settings));
  });
}

}  // namespace chime::api
