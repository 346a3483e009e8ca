// GetUserSettings: GET /accounts/{accountId}/users/{userId}/settings → 200 {"UserSettings"}.
// Never-updated settings answer the defaults of model/settings.h (every permission true).
#include "api/operations/operations.h"
#include "api/operations/requests.h"
#include "api/operations/settings_json.h"

namespace chime::api {

void GetUserSettings(const CallPtr& call) {
  auto request = ParseUserPath(call->labels);
  if (!request.ok()) return call->Fail(request.status());
  RunRead(call, 200, [r = std::move(*request)](store::Tx& tx, std::string* out) {
    RETURN_IF_ERROR(tx.GetAccount(r.account_id).status());
    RETURN_IF_ERROR(tx.GetUser(r.account_id, r.user_id).status());
    ASSIGN_OR_RETURN(auto doc, tx.GetDocument(kUserSettingsKind, r.user_id));
    ASSIGN_OR_RETURN(model::UserSettings settings, DecodeUserSettings(doc));
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    w.Key("UserSettings");
    WriteUserSettings(w, settings);
    w.EndObject();
    out->assign(buf.GetString(), buf.GetSize());
    return OkStatus();
  });
}

}  // namespace chime::api
