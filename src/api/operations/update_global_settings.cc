// UpdateGlobalSettings: PUT /settings → 204. A structure present in the request replaces the
// stored one; a structure left out keeps its value.
#include "api/operations/operations.h"
#include "api/operations/requests.h"
#include "api/operations/settings_json.h"

namespace chime::api {

void UpdateGlobalSettings(const CallPtr& call) {
  auto request = ParseUpdateGlobalSettings(call->body);
  if (!request.ok()) return call->Fail(request.status());
  RunWrite(call, 204, [r = std::move(*request)](store::Tx& tx, std::string*) {
    ASSIGN_OR_RETURN(auto doc, tx.GetDocument(kGlobalSettingsKind, kGlobalSettingsKey));
    ASSIGN_OR_RETURN(model::GlobalSettings settings, DecodeGlobalSettings(doc));
    if (r.business_calling) settings.business_calling = r.business_calling;
    if (r.voice_connector) settings.voice_connector = r.voice_connector;
    return tx.PutDocument(kGlobalSettingsKind, kGlobalSettingsKey, EncodeGlobalSettings(settings));
  });
}

}  // namespace chime::api
