// GetRetentionSettings: GET /accounts/{accountId}/retention-settings → 200
// {"RetentionSettings": {...}, "InitiateDeletionTimestamp": ...}. Before any PutRetentionSettings
// the settings are empty (no retention policy) and the timestamp is absent. Strict mode allows
// it on Enterprise accounts only.
#include "api/operations/inputs.h"
#include "api/operations/operations.h"
#include "api/operations/settings_json.h"
#include "common/time_format.h"
#include "model/account_rules.h"

namespace chime::api {

void GetRetentionSettings(const CallPtr& call) {
  auto account_id = AccountIdLabel(*call);
  if (!account_id.ok()) return call->Fail(account_id.status());
  const bool strict = call->deps.config.strict_account_types;
  RunRead(call, 200, [id = *account_id, strict](store::Tx& tx, std::string* out) {
    ASSIGN_OR_RETURN(model::Account account, tx.GetAccount(id));
    RETURN_IF_ERROR(model::CheckAccountAction(model::AccountAction::kRetentionSettings,
                                              account.account_type, strict));
    ASSIGN_OR_RETURN(auto doc, tx.GetDocument(kRetentionSettingsKind, id));
    ASSIGN_OR_RETURN(model::RetentionSettings settings, DecodeRetentionSettings(doc));
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    w.Key("RetentionSettings");
    WriteRetentionSettings(w, settings);
    if (settings.initiate_deletion_ms) {
      w.Key("InitiateDeletionTimestamp");
      WriteString(w, FormatIso8601Ms(*settings.initiate_deletion_ms));
    }
    w.EndObject();
    out->assign(buf.GetString(), buf.GetSize());
    return OkStatus();
  });
}

}  // namespace chime::api
