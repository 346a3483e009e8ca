#include "client/operation_util.h"

#include "common/encoding.h"

namespace chime::client::internal {

Result<std::string> Label(std::string_view member, const std::string& value) {
  if (value.empty()) {
    return MakeLocalError(
        ErrorKind::kInvalidParameter, "ParamValidationError",
        "Parameter validation failed: " + std::string(member) + " must be a non-empty string");
  }
  return UriEncode(value);
}

Body& Body::Str(const char* name, const std::optional<std::string>& v) {
  if (!v) return *this;
  return Val(name, rapidjson::Value(v->c_str(), v->size(), alloc()));
}

Body& Body::Strings(const char* name, const std::vector<std::string>& v) {
  rapidjson::Value arr(rapidjson::kArrayType);
  for (const auto& s : v) arr.PushBack(rapidjson::Value(s.c_str(), s.size(), alloc()), alloc());
  return Val(name, std::move(arr));
}

Body& Body::Val(const char* name, rapidjson::Value v) {
  doc_.AddMember(rapidjson::StringRef(name), std::move(v), alloc());
  return *this;
}

Result<rapidjson::Document> ParseObject(const http::Response& response, std::string_view op) {
  rapidjson::Document doc;
  if (response.body.empty()) {
    doc.SetObject();
    return doc;
  }
  doc.Parse(response.body.data(), response.body.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    Error e = MakeLocalError(ErrorKind::kInvalidResponse, "ResponseParserError",
                             "the " + std::string(op) + " response is not a JSON object");
    e.http_status = response.status;
    if (const std::string* rid = response.Header("x-amzn-RequestId")) e.request_id = *rid;
    return e;
  }
  return doc;
}

Result<const rapidjson::Value*> RequireObject(const rapidjson::Document& doc, const char* name,
                                              std::string_view op) {
  auto it = doc.FindMember(name);
  if (it == doc.MemberEnd() || !it->value.IsObject()) {
    return MakeLocalError(ErrorKind::kInvalidResponse, "ResponseParserError",
                          "the " + std::string(op) + " response has no " + name + " object");
  }
  return &it->value;
}

std::optional<std::string> StringMember(const rapidjson::Value& doc, const char* name) {
  auto it = doc.FindMember(name);
  if (it == doc.MemberEnd() || !it->value.IsString()) return std::nullopt;
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

}  // namespace chime::client::internal
