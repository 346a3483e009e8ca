#include "auth/sigv4_test_request.h"

#include <fstream>
#include <sstream>
#include <vector>

namespace chime::auth::testing {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

http::Request ParseRequestText(std::string_view text, bool unfold) {
  http::Request req;
  size_t pos = text.find('\n');
  std::string_view line = text.substr(0, pos);
  size_t first_space = line.find(' ');
  size_t last_space = line.rfind(' ');
  req.method = std::string(line.substr(0, first_space));
  req.target = std::string(line.substr(first_space + 1, last_space - first_space - 1));
  while (pos != std::string_view::npos) {
    size_t start = pos + 1;
    pos = text.find('\n', start);
    line = text.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start);
    if (line.empty()) {
      if (pos != std::string_view::npos) req.body = std::string(text.substr(pos + 1));
      break;
    }
    if ((line.front() == ' ' || line.front() == '\t') && !req.headers.empty()) {
      std::string& value = req.headers.back().second;
      if (unfold) {
        value += " ";
        value += Trim(line);
      } else {
        value += "\r\n";
        value += line;
      }
      continue;
    }
    size_t colon = line.find(':');
    req.headers.emplace_back(std::string(line.substr(0, colon)),
                             std::string(Trim(line.substr(colon + 1))));
  }
  return req;
}

std::string JsonField(std::string_view json, std::string_view key) {
  std::string needle = "\"" + std::string(key) + "\":";
  size_t at = json.find(needle);
  if (at == std::string_view::npos) return "";
  std::string_view rest = Trim(json.substr(at + needle.size()));
  if (!rest.empty() && rest.front() == '"') {
    size_t end = rest.find('"', 1);
    return std::string(rest.substr(1, end - 1));
  }
  size_t end = rest.find_first_of(",\n}");
  return std::string(Trim(rest.substr(0, end)));
}

}  // namespace chime::auth::testing
