// GetGlobalSettings: GET /settings → 200 {"BusinessCalling": {...}, "VoiceConnector": {...}}.
// Deployment-wide; a structure never set is omitted.
#include "api/operations/operations.h"
#include "api/operations/settings_json.h"

namespace chime::api {

void GetGlobalSettings(const CallPtr& call) {
  RunRead(call, 200, [](store::Tx& tx, std::string* out) {
    ASSIGN_OR_RETURN(auto doc, tx.GetDocument(kGlobalSettingsKind, kGlobalSettingsKey));
    ASSIGN_OR_RETURN(model::GlobalSettings settings, DecodeGlobalSettings(doc));
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    WriteGlobalSettingsMembers(w, settings);
    w.EndObject();
    out->assign(buf.GetString(), buf.GetSize());
    return OkStatus();
  });
}

}  // namespace chime::api
