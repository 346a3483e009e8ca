// Reading a request's JSON body with field-specific errors. botocore sends whatever the caller
// gave it, so every member is type-checked here; members the operation does not declare are
// ignored (mass assignment changes nothing).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "common/status.h"

namespace chime::api {

class JsonBody {
 public:
  // An empty body is treated as {} so that a missing required member is reported by name.
  static StatusOr<JsonBody> Parse(std::string_view body);

  bool Has(const char* member) const;
  // Absent → nullopt; present but not a string → kInvalidArgument naming `member`.
  StatusOr<std::optional<std::string>> OptionalString(const char* member) const;
  StatusOr<std::string> RequiredString(const char* member) const;
  StatusOr<std::optional<bool>> OptionalBool(const char* member) const;
  // A list of strings; `max_items` enforced with a message naming the member.
  StatusOr<std::optional<std::vector<std::string>>> OptionalStringList(const char* member,
                                                                       size_t max_items) const;
  // A nested object, or nullptr when absent; kInvalidArgument when not an object.
  StatusOr<const rapidjson::Value*> OptionalObject(const char* member) const;
  StatusOr<const rapidjson::Value*> OptionalArray(const char* member) const;

  const rapidjson::Value& root() const { return doc_; }

 private:
  rapidjson::Document doc_;
};

// Same accessors for a nested object (items of a list, sub-structures). `path` prefixes
// error messages, e.g. "UpdateUserRequestItems[3].UserId".
StatusOr<std::optional<std::string>> MemberString(const rapidjson::Value& obj, const char* member,
                                                  const std::string& path);
StatusOr<std::optional<bool>> MemberBool(const rapidjson::Value& obj, const char* member,
                                         const std::string& path);

}  // namespace chime::api
