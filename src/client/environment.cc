#include "client/environment.h"

#include <cstdlib>

namespace chime::client {

std::optional<std::string> ProcessEnvironment::Get(std::string_view name) const {
  const char* v = std::getenv(std::string(name).c_str());
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

const ProcessEnvironment& ProcessEnvironment::Get() {
  static const ProcessEnvironment env;
  return env;
}

std::optional<std::string> MapEnvironment::Get(std::string_view name) const {
  auto it = vars_.find(name);
  if (it == vars_.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::string ExpandHome(const Environment& env, std::string_view path) {
  if (path == "~" || path.substr(0, 2) == "~/") {
    return env.Get("HOME").value_or("") + std::string(path.substr(1));
  }
  return std::string(path);
}

}  // namespace chime::client
