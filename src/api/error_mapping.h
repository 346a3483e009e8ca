// The one place that knows how a Status becomes a Chime error on the wire: HTTP status,
// `x-amzn-ErrorType: <Shape>` (botocore picks the exception class from it) and the body
// {"Code": ..., "Message": ...}.
#pragma once

#include <optional>

#include "api/operation.h"
#include "common/status.h"
#include "http/message.h"

namespace chime::api {

struct WireError {
  int http_status;
  const char* shape;  // "NotFoundException"
  const char* code;   // "NotFound"
};

WireError ToWireError(Code code);

// Builds the error response. When `op` is known and its model does not list the error the
// status maps to, the nearest listed error is used instead (a client must never see an
// exception class the operation cannot raise). 5xx messages are replaced by generic text
// unless the status was deliberately built for clients (kUnavailable, kInternal carry
// client-safe text by contract). 429/503 carry Retry-After (s) and x-amz-retry-after (ms).
http::Response ErrorResponse(std::optional<Op> op, const Status& status);

}  // namespace chime::api
