// GetAccountSettings: GET /accounts/{accountId}/settings → 200 {"AccountSettings": ...}.
// Never-updated settings answer the defaults (both false).
#include "api/operations/inputs.h"
#include "api/operations/operations.h"
#include "api/operations/settings_json.h"

namespace chime::api {

void GetAccountSettings(const CallPtr& call) {
  auto account_id = AccountIdLabel(*call);
  if (!account_id.ok()) return call->Fail(account_id.status());
  RunRead(call, 200, [id = *account_id](store::Tx& tx, std::string* out) {
    RETURN_IF_ERROR(tx.GetAccount(id).status());
    ASSIGN_OR_RETURN(auto doc, tx.GetDocument(kAccountSettingsKind, id));
    ASSIGN_OR_RETURN(model::AccountSettings settings, DecodeAccountSettings(doc));
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    w.Key("AccountSettings");
    WriteAccountSettings(w, settings);
    w.EndObject();
    out->assign(buf.GetString(), buf.GetSize());
    return OkStatus();
  });
}

}  // namespace chime::api
