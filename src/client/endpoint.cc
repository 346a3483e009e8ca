#include "client/endpoint.h"

#include <charconv>

namespace chime::client {
namespace {

Error Bad(std::string_view url, std::string_view why) {
  return MakeLocalError(ErrorKind::kInvalidParameter, "InvalidEndpointError",
                        "invalid endpoint URL '" + std::string(url) + "': " + std::string(why));
}

}  // namespace

std::string Endpoint::HostHeader() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  bool default_port = (scheme == "https" && port == 443) || (scheme == "http" && port == 80);
  if (!default_port) h += ":" + std::to_string(port);
  return h;
}

std::string Endpoint::ToString() const { return scheme + "://" + HostHeader() + base_path; }

Result<Endpoint> ParseEndpointUrl(std::string_view url) {
  Endpoint ep;
  size_t colon = url.find("://");
  if (colon == std::string_view::npos) return Bad(url, "expected scheme://host");
  ep.scheme = std::string(url.substr(0, colon));
  for (char& c : ep.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ep.scheme != "http" && ep.scheme != "https") return Bad(url, "scheme must be http or https");
  std::string_view rest = url.substr(colon + 3);
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return Bad(url, "query and fragment are not allowed");
  }
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) return Bad(url, "user info is not allowed");
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return Bad(url, "unterminated IPv6 literal");
    ep.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Bad(url, "unexpected text after IPv6 literal");
      port_text = after.substr(1);
    }
  } else {
    size_t pc = authority.rfind(':');
    ep.host = std::string(authority.substr(0, pc));
    if (pc != std::string_view::npos) port_text = authority.substr(pc + 1);
  }
  if (ep.host.empty()) return Bad(url, "missing host");
  ep.port = ep.tls() ? 443 : 80;
  if (!port_text.empty()) {
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return Bad(url, "invalid port");
    }
    ep.port = static_cast<uint16_t>(port);
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  ep.base_path = std::string(path);
  return ep;
}

}  // namespace chime::client
