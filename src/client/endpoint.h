// An endpoint URL ("https://chime.example.com", "http://127.0.0.1:8080/prefix") split into what
// the transport and the signer need.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "client/result.h"

namespace chime::client {

struct Endpoint {
  std::string scheme;     // "http" or "https"
  std::string host;       // "chime.example.com", "127.0.0.1" or "::1" (no brackets)
  uint16_t port = 0;      // explicit or the scheme's default
  std::string base_path;  // "" or "/prefix" (no trailing slash); prepended to every path

  bool tls() const { return scheme == "https"; }
  // The Host header (and the host that is signed): the port only when it is not the default,
  // IPv6 literals in brackets, as botocore sends it.
  std::string HostHeader() const;
  std::string ToString() const;  // scheme://HostHeader()base_path
};

// Accepts http and https URLs with an optional port and path; rejects user info, queries and
// fragments. Errors are kInvalidParameter naming the problem.
Result<Endpoint> ParseEndpointUrl(std::string_view url);

// The real service's endpoint, used when nothing else is configured.
inline constexpr std::string_view kDefaultEndpointUrl = "https://service.chime.aws.amazon.com";

}  // namespace chime::client
