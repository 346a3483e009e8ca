// The SigV4 request parser and canonicaliser on arbitrary requests. Input layout: line 1 is the
// method, line 2 the request-target, then "name:value" header lines up to an empty line, then
// the body. Nothing may crash; canonical forms must be deterministic.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "auth/sigv4_auth_params.h"
#include "auth/sigv4_canonical.h"
#include "http/message.h"

namespace {

std::string_view NextLine(std::string_view& rest) {
  size_t nl = rest.find('\n');
  std::string_view line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  chime::http::Request request;
  request.method = std::string(NextLine(rest));
  request.target = std::string(NextLine(rest));
  while (!rest.empty()) {
    std::string_view line = NextLine(rest);
    if (line.empty()) break;
    size_t colon = line.find(':');
    request.headers.emplace_back(
        std::string(line.substr(0, colon)),
        colon == std::string_view::npos ? std::string() : std::string(line.substr(colon + 1)));
  }
  request.body = std::string(rest);

  auto params = chime::auth::ParseAuthParams(request);
  (void)params;
  std::string uri = chime::auth::CanonicalUri(request.RawPath());
  if (uri != chime::auth::CanonicalUri(request.RawPath())) std::abort();
  (void)chime::auth::NormalizePath(request.RawPath());
  auto query = chime::auth::ParseQuery(request.RawQuery());
  if (query.ok()) (void)chime::auth::CanonicalQueryString(*query);
  for (const auto& [name, value] : request.headers) {
    (void)chime::auth::CanonicalHeaderValue(value);
    (void)chime::auth::HasLineBreakOrNul(value);
  }
  (void)chime::auth::ParseImfFixdate(request.body);
  (void)chime::auth::QuoteSafe(request.body);
  return 0;
}
