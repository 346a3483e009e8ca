// Helpers shared by the operation files (client_accounts.cc, client_users.cc,
// client_settings.cc): path labels, request bodies and response decoding. Internal.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/json_dump.h"
#include "client/result.h"
#include "client/shape_json.h"
#include "http/message.h"

namespace chime::client::internal {

// The label percent-encoded as botocore encodes non-greedy labels (everything outside the
// RFC 3986 unreserved set, '/' included). An empty label is a ParamValidationError: it would
// silently address another resource ("/accounts//users").
Result<std::string> Label(std::string_view member, const std::string& value);

// A JSON request body, members added in model order, serialised as botocore does.
class Body {
 public:
  Body() { doc_.SetObject(); }
  JsonAlloc& alloc() { return doc_.GetAllocator(); }
  Body& Str(const char* name, const std::optional<std::string>& v);
  Body& Strings(const char* name, const std::vector<std::string>& v);
  Body& Val(const char* name, rapidjson::Value v);
  template <typename T>
  Body& Nested(const char* name, const std::optional<T>& v) {
    return v ? Val(name, ToJson(*v, alloc())) : *this;
  }
  template <typename T>
  Body& List(const char* name, const std::vector<T>& items) {
    rapidjson::Value arr(rapidjson::kArrayType);
    for (const auto& t : items) arr.PushBack(ToJson(t, alloc()), alloc());
    return Val(name, std::move(arr));
  }
  std::string Dump() const { return DumpJson(doc_); }

 private:
  rapidjson::Document doc_;
};

// The response body as a JSON object (an empty body reads as {}); kInvalidResponse otherwise.
Result<rapidjson::Document> ParseObject(const http::Response& response, std::string_view op);

// The object member `name` of `doc`, or kInvalidResponse when it is missing.
Result<const rapidjson::Value*> RequireObject(const rapidjson::Document& doc, const char* name,
                                              std::string_view op);

// Decodes the list member `name` (absent = empty) with `from`.
template <typename T, typename F>
std::vector<T> ListMember(const rapidjson::Value& doc, const char* name, F from) {
  std::vector<T> out;
  auto it = doc.FindMember(name);
  if (it == doc.MemberEnd() || !it->value.IsArray()) return out;
  for (const auto& e : it->value.GetArray()) out.push_back(from(e));
  return out;
}

std::optional<std::string> StringMember(const rapidjson::Value& doc, const char* name);

}  // namespace chime::client::internal
