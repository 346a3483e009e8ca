// The HTTP request path as chimed's server runs it: the strict head check, then (for heads it
// accepts) Beast's parser over the same bytes held in memory, as the session parses its read
// buffer. Invariants: nothing crashes, and a head CheckRequestHead accepts is never one Beast
// calls ambiguous (a framing rule Beast enforces that the check missed).
#include <boost/beast/http.hpp>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/framing.h"

namespace bhttp = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  chime::http::HeadLimits limits;
  limits.max_header_bytes = 4096;
  limits.max_header_count = 64;
  limits.max_uri_bytes = 1024;
  chime::http::HeadCheck check = chime::http::CheckRequestHead(bytes, limits);
  if (check.verdict != chime::http::HeadVerdict::kOk) return 0;
  if (check.head_bytes == 0 || check.head_bytes > bytes.size()) std::abort();

  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(limits.max_header_bytes + 1);
  parser.body_limit(64 << 10);
  parser.eager(true);
  boost::beast::error_code ec;
  boost::asio::const_buffer buf(data, size);
  while (buf.size() > 0 && !parser.is_done()) {
    size_t n = parser.put(buf, ec);
    buf += n;
    if (ec || n == 0) break;
  }
  // Beast may be stricter elsewhere (that is a 400 either way); on how the head frames the
  // message it must agree with the check, or the two could disagree about where the next
  // request starts. (Errors in a chunked body's trailer fields, which Beast also parses as
  // fields, come after the head: regression seed corpus/fuzz_http_request/trailer_te.)
  bool in_head = !parser.is_header_done();
  if (in_head &&
      (ec == bhttp::error::bad_content_length || ec == bhttp::error::bad_transfer_encoding)) {
    std::abort();
  }
  return 0;
}
