#include "api/operations/inputs.h"

#include "api/operations/requests.h"

namespace chime::api {

StatusOr<std::string> Label(const Call& call, size_t i, const char* member) {
  return LabelAt(call.labels, i, member);
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
