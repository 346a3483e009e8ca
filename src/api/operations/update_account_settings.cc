// UpdateAccountSettings: PUT /accounts/{accountId}/settings → 204. Only the members present in
// AccountSettings change; the others keep their value.
#include "api/operations/operations.h"
#include "api/operations/requests.h"
#include "api/operations/settings_json.h"

namespace chime::api {

void UpdateAccountSettings(const CallPtr& call) {
  auto request = ParseUpdateAccountSettings(call->labels, call->body);
  if (!request.ok()) return call->Fail(request.status());
  RunWrite(call, 204, [r = std::move(*request)](store::Tx& tx, std::string*) {
    RETURN_IF_ERROR(tx.GetAccount(r.account_id).status());
    ASSIGN_OR_RETURN(auto doc, tx.GetDocument(kAccountSettingsKind, r.account_id));
    ASSIGN_OR_RETURN(model::AccountSettings settings, DecodeAccountSettings(doc));
    if (r.disable_remote_control) settings.disable_remote_control = *r.disable_remote_control;
    if (r.enable_dial_out) settings.enable_dial_out = *r.enable_dial_out;
    return tx.PutDocument(kAccountSettingsKind, r.account_id, EncodeAccountSettings(settings));
  });
}

}  // namespace chime::api
