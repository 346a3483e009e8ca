#include "http/message.h"

#include "common/ascii.h"

namespace chime::http {

bool HeaderNameEquals(std::string_view a, std::string_view b) {
  return EqualsIgnoreAsciiCase(a, b);
}

const std::string* Request::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (HeaderNameEquals(k, name)) return &v;
  }
  return nullptr;
}

std::vector<std::string_view> Request::HeaderValues(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [k, v] : headers) {
    if (HeaderNameEquals(k, name)) out.emplace_back(v);
  }
  return out;
}

std::string_view Request::RawPath() const {
  std::string_view t = target;
  return t.substr(0, t.find('?'));
}

std::string_view Request::RawQuery() const {
  std::string_view t = target;
  size_t q = t.find('?');
  return q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
}

void Response::SetHeader(std::string name, std::string value) {
  for (auto& [k, v] : headers) {
    if (HeaderNameEquals(k, name)) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

const std::string* Response::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (HeaderNameEquals(k, name)) return &v;
  }
  return nullptr;
}

}  // namespace chime::http
