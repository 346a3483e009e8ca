#include "store/row_format.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace chime::store {

std::string EncodeStringList(const std::vector<std::string>& values) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartArray();
  for (const auto& v : values) writer.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  writer.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string EncodeLicenses(const std::vector<model::LicenseType>& licenses) {
  std::vector<std::string> names;
  for (auto l : licenses) names.emplace_back(model::ToString(l));
  return EncodeStringList(names);
}

std::optional<std::vector<std::string>> DecodeStringList(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsArray()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& v : doc.GetArray()) {
    if (!v.IsString()) return std::nullopt;
    out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return out;
}

}  // namespace chime::store
