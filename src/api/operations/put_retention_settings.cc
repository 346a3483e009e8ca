// PutRetentionSettings: PUT /accounts/{accountId}/retention-settings → 204 (the model's status;
// a 204 carries no body, so the output members are read back with GetRetentionSettings).
// The request replaces the policy: a RetentionDays left out turns that retention off, as the
// model documents. InitiateDeletionTimestamp becomes the time of this call while any retention
// is set. Strict mode allows it on Enterprise accounts only.
#include "api/operations/operations.h"
#include "api/operations/requests.h"
#include "api/operations/settings_json.h"
#include "model/account_rules.h"

namespace chime::api {

void PutRetentionSettings(const CallPtr& call) {
  auto request = ParsePutRetentionSettings(call->labels, call->body);
  if (!request.ok()) return call->Fail(request.status());
  const bool strict = call->deps.config.strict_account_types;
  RunWrite(call, 204,
           [r = std::move(*request), strict, now = call->now_ms](store::Tx& tx, std::string*) {
             ASSIGN_OR_RETURN(model::Account account, tx.GetAccount(r.account_id));
             RETURN_IF_ERROR(model::CheckAccountAction(model::AccountAction::kRetentionSettings,
                                                       account.account_type, strict));
             model::RetentionSettings settings;
             settings.room_retention_days = r.room_retention_days;
             settings.conversation_retention_days = r.conversation_retention_days;
             if (settings.room_retention_days || settings.conversation_retention_days) {
               settings.initiate_deletion_ms = now;
             }
             return tx.PutDocument(kRetentionSettingsKind, r.account_id,
                                   EncodeRetentionSettings(settings));
           });
}

}  // namespace chime::api
