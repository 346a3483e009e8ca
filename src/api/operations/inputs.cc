#include "api/operations/inputs.h"

#include "common/encoding.h"
#include "model/validation.h"

namespace chime::api {

StatusOr<std::string> Label(const Call& call, size_t i, const char* member) {
  if (i >= call.labels.size()) return InvalidArgument(std::string(member) + " is required.");
  if (!IsValidUtf8(call.labels[i])) {
    return InvalidArgument(std::string(member) + " must be valid UTF-8.");
  }
  RETURN_IF_ERROR(model::RequireNonEmpty(member, call.labels[i]));
  if (call.labels[i].size() > 256) {
    return InvalidArgument(std::string(member) + " must be at most 256 characters long.");
  }
  return call.labels[i];
}

StatusOr<std::optional<std::string>> QueryMember(const Call& call, const char* wire_name) {
  std::optional<std::string> value;
  for (const auto& [k, v] : call.query) {
    if (k != wire_name) continue;
    if (value) {
      return InvalidArgument(std::string("The query parameter '") + wire_name +
                             "' must not be repeated.");
    }
    value = v;
  }
  return value;
}

}  // namespace chime::api
