// Transport-neutral HTTP messages. The Beast session converts to and from these, so that the
// router, SigV4 verification and fuzz targets work on plain data and never include Beast.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chime::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw request-target as received: "/accounts/a%20b?operation=x"
  HeaderList headers;  // in arrival order, names as sent, values as sent (OWS trimmed)
  std::string body;
  std::string remote_address;  // peer IP, for logs and per-client limits

  // First value of a header, matched case-insensitively; nullptr when absent.
  const std::string* Header(std::string_view name) const;
  // Every value of a header, in arrival order.
  std::vector<std::string_view> HeaderValues(std::string_view name) const;
  // Path part of the target (before '?'), still percent-encoded.
  std::string_view RawPath() const;
  // Query part of the target (after '?'), without the '?'; empty when absent.
  std::string_view RawQuery() const;
};

struct Response {
  int status = 200;
  HeaderList headers;
  std::string body;
  bool close = false;  // close the connection after writing

  void SetHeader(std::string name, std::string value);
  const std::string* Header(std::string_view name) const;
};

bool HeaderNameEquals(std::string_view a, std::string_view b);

}  // namespace chime::http
