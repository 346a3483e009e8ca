// Strict RFC 9112 checks on a request head (request line and header fields), applied to the raw
// bytes before Boost.Beast parses them. Beast 1.74 is lenient where request smuggling lives: it
// accepts obs-fold, a repeated identical Content-Length ("3" twice, or "3, 3"), a
// Transfer-Encoding whose last coding is not chunked ("gzip", "chunked, gzip", "identity") and
// an HTTP/1.1 request without Host. It already refuses CL+TE, differing Content-Lengths,
// whitespace before a colon, bare LF and NUL, but checking everything here keeps the rules in
// one place that is unit-tested and fuzzed, whatever Beast version is linked.
//
//   HeadCheck c = CheckRequestHead(bytes, limits);
//   if (c.verdict == HeadVerdict::kNeedMore) read more; else if (c.verdict != kOk) reject.
#pragma once

#include <cstddef>
#include <string_view>

namespace chime::http {

struct HeadLimits {
  size_t max_header_bytes = 16 << 10;  // request line + fields + final CRLF
  size_t max_header_count = 100;       // header fields
  size_t max_uri_bytes = 8 << 10;      // request-target
};

enum class HeadVerdict {
  kNeedMore,        // no complete head yet and no rule broken so far
  kOk,              // a complete, well-formed head of `head_bytes` bytes
  kBadRequest,      // 400: broken framing; the connection must be closed
  kHeaderTooLarge,  // 431: head larger than max_header_bytes or more than max_header_count fields
  kUriTooLong,      // 414: request-target longer than max_uri_bytes
};

struct HeadCheck {
  HeadVerdict verdict = HeadVerdict::kNeedMore;
  size_t head_bytes = 0;    // with kOk: length of the head including the empty line
  const char* reason = "";  // with a rejection: a short, static, client-safe explanation
};

// Checks the request head at the start of `data` (which may hold more bytes after it, such as
// the body or pipelined requests). Pure and thread-safe; safe on arbitrary bytes.
HeadCheck CheckRequestHead(std::string_view data, const HeadLimits& limits);

}  // namespace chime::http
