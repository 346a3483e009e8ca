#include "api/operations/user_errors.h"

#include "api/error_mapping.h"
#include "api/render.h"

namespace chime::api {

UserError ToUserError(const std::string& user_id, const Status& status) {
  return {user_id, ToWireError(status.code()).code, status.message()};
}

std::string RenderUserErrors(const std::vector<UserError>& errors) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("UserErrors");
  w.StartArray();
  for (const auto& e : errors) {
    w.StartObject();
    w.Key("UserId");
    WriteString(w, e.user_id);
    w.Key("ErrorCode");
    WriteString(w, e.error_code);
    w.Key("ErrorMessage");
    WriteString(w, e.error_message);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

bool IsItemFailure(const Status& status) {
  return status.code() == Code::kNotFound || status.code() == Code::kInvalidArgument ||
         status.code() == Code::kConflict;
}

}  // namespace chime::api
