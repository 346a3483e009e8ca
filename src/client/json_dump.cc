#include "client/json_dump.h"

#include <cinttypes>
#include <cstdio>
#include <string_view>

namespace chime::client {
namespace {

void AppendU16(std::string& out, unsigned v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\u%04x", v);  // Python writes lowercase hex
  out += buf;
}

// Decodes one UTF-8 sequence at s[*i]; returns the code point or -1 for invalid bytes.
long DecodeUtf8(std::string_view s, size_t* i) {
  unsigned char c = static_cast<unsigned char>(s[*i]);
  int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (len == 0 || *i + len > s.size()) return -1;
  long cp = len == 1 ? c : c & (0x7f >> len);
  for (int k = 1; k < len; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[*i + k]);
    if ((cc & 0xc0) != 0x80) return -1;
    cp = (cp << 6) | (cc & 0x3f);
  }
  *i += len;
  return cp;
}

void AppendString(std::string& out, std::string_view s, bool ensure_ascii) {
  out.push_back('"');
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t start = i;
      long cp = DecodeUtf8(s, &i);
      if (cp < 0) {  // defensive: invalid UTF-8 cannot come from rapidjson's parser
        AppendU16(out, 0xfffd);
        ++i;
      } else if (!ensure_ascii) {
        out.append(s.substr(start, i - start));
      } else if (cp >= 0x10000) {
        cp -= 0x10000;
        AppendU16(out, 0xd800 + static_cast<unsigned>(cp >> 10));
        AppendU16(out, 0xdc00 + static_cast<unsigned>(cp & 0x3ff));
      } else {
        AppendU16(out, static_cast<unsigned>(cp));
      }
      continue;
    }
    ++i;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          AppendU16(out, c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

void AppendNumber(std::string& out, const rapidjson::Value& v) {
  char buf[40];
  if (v.IsInt64()) {
    std::snprintf(buf, sizeof buf, "%" PRId64, v.GetInt64());
  } else if (v.IsUint64()) {
    std::snprintf(buf, sizeof buf, "%" PRIu64, v.GetUint64());
  } else {
    std::snprintf(buf, sizeof buf, "%.17g", v.GetDouble());
  }
  out += buf;
}

class Dumper {
 public:
  Dumper(const JsonDumpOptions& o, std::string& out) : o_(o), out_(out) {}

  void Dump(const rapidjson::Value& v, int depth) {
    if (v.IsObject()) {
      if (v.MemberCount() == 0) return void(out_ += "{}");
      out_.push_back('{');
      bool first = true;
      for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
        Separator(&first, depth + 1);
        AppendString(out_, {it->name.GetString(), it->name.GetStringLength()}, o_.ensure_ascii);
        out_ += ": ";
        Dump(it->value, depth + 1);
      }
      Close(depth, '}');
    } else if (v.IsArray()) {
      if (v.Empty()) return void(out_ += "[]");
      out_.push_back('[');
      bool first = true;
      for (const auto& e : v.GetArray()) {
        Separator(&first, depth + 1);
        Dump(e, depth + 1);
      }
      Close(depth, ']');
    } else if (v.IsString()) {
      AppendString(out_, {v.GetString(), v.GetStringLength()}, o_.ensure_ascii);
    } else if (v.IsBool()) {
      out_ += v.GetBool() ? "true" : "false";
    } else if (v.IsNull()) {
      out_ += "null";
    } else {
      AppendNumber(out_, v);
    }
  }

 private:
  void Separator(bool* first, int depth) {
    if (!*first) out_ += o_.indent < 0 ? ", " : ",";
    *first = false;
    Newline(depth);
  }
  void Newline(int depth) {
    if (o_.indent < 0) return;
    out_.push_back('\n');
    out_.append(static_cast<size_t>(depth * o_.indent), ' ');
  }
  void Close(int depth, char c) {
    Newline(depth);
    out_.push_back(c);
  }

  const JsonDumpOptions& o_;
  std::string& out_;
};

}  // namespace

std::string DumpJson(const rapidjson::Value& value, const JsonDumpOptions& options) {
  std::string out;
  Dumper(options, out).Dump(value, 0);
  return out;
}

}  // namespace chime::client
