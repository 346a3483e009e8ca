#include "client/redact.h"

#include <rapidjson/document.h>

#include <array>

#include "client/json_dump.h"
#include "common/ascii.h"

namespace chime::client {
namespace {

bool IsSecretMember(std::string_view name) {
  constexpr std::array<std::string_view, 7> kSecret = {
      "PersonalPIN", "SecretAccessKey", "SessionToken",         "Password",
      "Pin",         "Token",           "aws_secret_access_key"};
  for (std::string_view s : kSecret) {
    if (EqualsIgnoreAsciiCase(name, s)) return true;
  }
  return false;
}

void RedactValue(rapidjson::Value& v) {
  if (v.IsObject()) {
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      std::string_view name(it->name.GetString(), it->name.GetStringLength());
      if (IsSecretMember(name) && !it->value.IsNull()) {
        it->value.SetString(rapidjson::StringRef("[redacted]"));
      } else {
        RedactValue(it->value);
      }
    }
  } else if (v.IsArray()) {
    for (auto& e : v.GetArray()) RedactValue(e);
  }
}

}  // namespace

std::string RedactHeader(std::string_view name, std::string_view value) {
  if (EqualsIgnoreAsciiCase(name, "Authorization")) {
    size_t sig = value.find("Signature=");
    if (sig == std::string_view::npos) return "[redacted]";
    return std::string(value.substr(0, sig)) + "Signature=[redacted]";
  }
  if (EqualsIgnoreAsciiCase(name, "X-Amz-Security-Token") ||
      EqualsIgnoreAsciiCase(name, "Cookie") || EqualsIgnoreAsciiCase(name, "Set-Cookie") ||
      EqualsIgnoreAsciiCase(name, "Proxy-Authorization")) {
    return "[redacted]";
  }
  return std::string(value);
}

std::string RedactBody(std::string_view body) {
  if (body.empty()) return "";
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError()) return "<" + std::to_string(body.size()) + " bytes, not JSON>";
  RedactValue(doc);
  return DumpJson(doc, {.indent = -1, .ensure_ascii = false});
}

}  // namespace chime::client
