// The bytes chimed sends for a Response: written directly instead of through Beast's
// serializer, whose buffer-sequence machinery (and one allocation per header field) cost more
// per request than the rest of the HTTP layer. The output is byte-for-byte what Beast wrote for
// the same response (response_bytes_test.cc checks it against Beast), so clients see no change:
//
//   HTTP/1.1 <status> <Beast's reason phrase>\r\n
//   <response.headers, in order>\r\n
//   Server: chimed\r\n
//   Connection: close\r\n          (HTTP/1.1 when not keeping the connection)
//   Connection: keep-alive\r\n     (HTTP/1.0 when keeping it)
//   Content-Length: <body size>\r\n
//   \r\n
//   <body>
#pragma once

#include <string>

#include "http/message.h"

namespace chime::http {

// Server, Connection and Content-Length are written here only; such names in
// `response.headers` are skipped. `version` is 10 or 11, as Beast reports a request's version.
// `keep_alive`: whether the connection stays open after this response. Pure; thread-safe.
std::string ResponseBytes(const Response& response, unsigned version, bool keep_alive);

}  // namespace chime::http
