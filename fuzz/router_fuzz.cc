// Routing and path-label / query decoding on arbitrary targets. The first byte picks the method;
// the rest is a request-target. Nothing may crash, and a matched route has decoded labels.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/router.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static constexpr std::string_view kMethods[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"};
  std::string_view method = kMethods[data[0] % 6];
  std::string_view target(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  auto route = chime::api::MatchRoute(method, path, query);
  if (route.ok() && route->op == chime::api::Op::kCount) std::abort();
  (void)chime::api::ParseQuery(query);
  return 0;
}
