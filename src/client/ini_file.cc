#include "client/ini_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace chime::client {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Error Malformed(std::string_view origin, int line, std::string_view why) {
  return MakeLocalError(ErrorKind::kCredentials, "ConfigParseError",
                        std::string(origin) + ":" + std::to_string(line) + ": " + std::string(why));
}

}  // namespace

Result<IniFile> ParseIni(std::string_view text, std::string_view origin) {
  IniFile file;
  IniSection* section = nullptr;
  std::string nested_key;  // key whose value is an indented block
  int line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view raw = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    std::string_view line = Trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    bool indented = raw[0] == ' ' || raw[0] == '\t';
    if (line.front() == '[') {
      if (line.back() != ']') return Malformed(origin, line_no, "unterminated section header");
      section = &file[std::string(Trim(line.substr(1, line.size() - 2)))];
      nested_key.clear();
      continue;
    }
    if (section == nullptr) return Malformed(origin, line_no, "key outside of any [section]");
    size_t sep = line.find_first_of("=:");
    if (indented && !nested_key.empty()) {
      if (sep == std::string_view::npos) return Malformed(origin, line_no, "expected key = value");
      (*section)[nested_key + "." + Lower(Trim(line.substr(0, sep)))] =
          std::string(Trim(line.substr(sep + 1)));
      continue;
    }
    if (sep == std::string_view::npos) return Malformed(origin, line_no, "expected key = value");
    std::string key = Lower(Trim(line.substr(0, sep)));
    std::string value(Trim(line.substr(sep + 1)));
    if (key.empty()) return Malformed(origin, line_no, "empty key");
    nested_key = value.empty() ? key : std::string();
    (*section)[key] = std::move(value);
  }
  return file;
}

Result<IniFile> LoadIniFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT || errno == ENOTDIR) return IniFile{};
    return MakeLocalError(ErrorKind::kCredentials, "ConfigParseError",
                          "cannot read " + path + ": " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ParseIni(text.str(), path);
}

}  // namespace chime::client
