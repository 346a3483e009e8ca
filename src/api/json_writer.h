// The JSON writer every response body is rendered with: rapidjson's Writer over a StringBuffer,
// with a faster path for strings. rapidjson copies each string byte by byte through its
// escaping transcoder, which the request path's profile showed as the largest cost of
// rendering a User. Most strings chimed writes (ids, enum names, timestamps, member names) need
// no escape, so those are copied whole; the rest go through rapidjson as before. The output is
// byte-for-byte the same (json_writer_test.cc).
#pragma once

#include <cstring>
#include <string>
#include <string_view>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace chime::api {

class JsonWriter : public rapidjson::Writer<rapidjson::StringBuffer> {
 public:
  explicit JsonWriter(rapidjson::StringBuffer& out) : Writer(out) {}

  bool String(const char* s, rapidjson::SizeType n, bool copy = false) {
    if (NeedsEscape(std::string_view(s, n))) return Writer::String(s, n, copy);
    Prefix(rapidjson::kStringType);
    char* p = os_->Push(n + 2);
    p[0] = '"';
    std::memcpy(p + 1, s, n);
    p[n + 1] = '"';
    return EndValue(true);
  }
  bool String(const char* s) { return String(s, Length(s)); }
  bool String(const std::string& s) { return String(s.data(), Length(s)); }
  // A member name is written like any string (as rapidjson's own Key does).
  bool Key(const char* s, rapidjson::SizeType n, bool copy = false) { return String(s, n, copy); }
  bool Key(const char* s) { return String(s, Length(s)); }

 private:
  // What rapidjson escapes when writing UTF-8 to UTF-8: control bytes, '"' and '\\'. Written as
  // a byte-wide OR reduction, which the compiler vectorises.
  static bool NeedsEscape(std::string_view s) {
    unsigned char escape = 0;
    for (unsigned char c : s) {
      escape |= static_cast<unsigned char>((c < 0x20) | (c == '"') | (c == '\\'));
    }
    return escape != 0;
  }
  static rapidjson::SizeType Length(std::string_view s) {
    return static_cast<rapidjson::SizeType>(s.size());
  }
};

}  // namespace chime::api
