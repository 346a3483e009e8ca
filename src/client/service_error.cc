#include "client/service_error.h"

#include <rapidjson/document.h>

namespace chime::client {
namespace {

std::string BodyString(const rapidjson::Document& doc, std::initializer_list<const char*> names) {
  if (!doc.IsObject()) return "";
  for (const char* name : names) {
    auto it = doc.FindMember(name);
    if (it != doc.MemberEnd() && it->value.IsString()) {
      return {it->value.GetString(), it->value.GetStringLength()};
    }
  }
  return "";
}

}  // namespace

Error ServiceErrorFromResponse(const http::Response& response) {
  Error e;
  e.http_status = response.status;
  rapidjson::Document doc;
  doc.Parse(response.body.data(), response.body.size());
  if (doc.HasParseError()) doc.SetNull();

  std::string name;
  if (const std::string* h = response.Header("x-amzn-ErrorType")) name = *h;
  if (name.empty()) name = BodyString(doc, {"__type", "code"});
  name = name.substr(0, name.find(':'));
  if (size_t hash = name.rfind('#'); hash != std::string::npos) name = name.substr(hash + 1);
  if (name.empty()) name = std::string(ShapeNameForStatus(response.status));
  e.kind = ErrorKindFromName(name);
  e.name = name.empty() ? "HTTP" + std::to_string(response.status) : name;
  e.code = BodyString(doc, {"Code"});
  e.message = BodyString(doc, {"Message", "message"});
  if (e.message.empty()) {
    e.message = doc.IsNull() && !response.body.empty()
                    ? "HTTP " + std::to_string(response.status) + " with a non-JSON body"
                    : "HTTP " + std::to_string(response.status);
  }
  if (const std::string* rid = response.Header("x-amzn-RequestId")) {
    e.request_id = *rid;
  } else if (const std::string* rid2 = response.Header("x-amz-request-id")) {
    e.request_id = *rid2;
  }
  return e;
}

}  // namespace chime::client
