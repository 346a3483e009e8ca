// Turns a non-2xx response into a typed Error, as botocore's rest-json error parser does: the
// shape from x-amzn-ErrorType (else the body's "__type"/"code", else the status), Code and
// Message from the body, the request id from x-amzn-RequestId.
#pragma once

#include "client/error.h"
#include "http/message.h"

namespace chime::client {

Error ServiceErrorFromResponse(const http::Response& response);

}  // namespace chime::client
