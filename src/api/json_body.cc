#include "api/json_body.h"

#include <rapidjson/error/en.h>

namespace chime::api {

StatusOr<JsonBody> JsonBody::Parse(std::string_view body) {
  JsonBody out;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    out.doc_.SetObject();
    return out;
  }
  // Strings must be valid UTF-8: they are stored and echoed back in JSON.
  out.doc_.Parse<rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
  if (out.doc_.HasParseError()) {
    return InvalidArgument(std::string("The request body is not valid JSON: ") +
                           rapidjson::GetParseError_En(out.doc_.GetParseError()) + " (offset " +
                           std::to_string(out.doc_.GetErrorOffset()) + ").");
  }
  if (!out.doc_.IsObject()) return InvalidArgument("The request body must be a JSON object.");
  return out;
}

bool JsonBody::Has(const char* member) const { return doc_.HasMember(member); }

StatusOr<std::optional<std::string>> MemberString(const rapidjson::Value& obj, const char* member,
                                                  const std::string& path) {
  auto it = obj.FindMember(member);
  if (it == obj.MemberEnd() || it->value.IsNull()) return std::optional<std::string>();
  if (!it->value.IsString()) return InvalidArgument(path + member + " must be a string.");
  return std::optional<std::string>(
      std::string(it->value.GetString(), it->value.GetStringLength()));
}

StatusOr<std::optional<bool>> MemberBool(const rapidjson::Value& obj, const char* member,
                                         const std::string& path) {
  auto it = obj.FindMember(member);
  if (it == obj.MemberEnd() || it->value.IsNull()) return std::optional<bool>();
  if (!it->value.IsBool()) return InvalidArgument(path + member + " must be a boolean.");
  return std::optional<bool>(it->value.GetBool());
}

StatusOr<std::optional<std::string>> JsonBody::OptionalString(const char* member) const {
  return MemberString(doc_, member, "");
}

StatusOr<std::string> JsonBody::RequiredString(const char* member) const {
  ASSIGN_OR_RETURN(auto value, OptionalString(member));
  if (!value) return InvalidArgument(std::string(member) + " is required.");
  return std::move(*value);
}

StatusOr<std::optional<bool>> JsonBody::OptionalBool(const char* member) const {
  return MemberBool(doc_, member, "");
}

StatusOr<std::optional<std::vector<std::string>>> JsonBody::OptionalStringList(
    const char* member, size_t max_items) const {
  using Result = std::optional<std::vector<std::string>>;
  ASSIGN_OR_RETURN(const rapidjson::Value* array, OptionalArray(member));
  if (!array) return Result();
  if (array->Size() > max_items) {
    return InvalidArgument(std::string(member) + " must contain at most " +
                           std::to_string(max_items) + " items.");
  }
  std::vector<std::string> items;
  for (const auto& v : array->GetArray()) {
    if (!v.IsString()) return InvalidArgument(std::string(member) + " must contain only strings.");
    items.emplace_back(v.GetString(), v.GetStringLength());
  }
  return Result(std::move(items));
}

StatusOr<const rapidjson::Value*> JsonBody::OptionalObject(const char* member) const {
  auto it = doc_.FindMember(member);
  if (it == doc_.MemberEnd() || it->value.IsNull()) return static_cast<const rapidjson::Value*>(nullptr);
  if (!it->value.IsObject()) return InvalidArgument(std::string(member) + " must be an object.");
  return &it->value;
}

StatusOr<const rapidjson::Value*> JsonBody::OptionalArray(const char* member) const {
  auto it = doc_.FindMember(member);
  if (it == doc_.MemberEnd() || it->value.IsNull()) return static_cast<const rapidjson::Value*>(nullptr);
  if (!it->value.IsArray()) return InvalidArgument(std::string(member) + " must be a list.");
  return &it->value;
}

}  // namespace chime::api
