// client::Error: why a Chime call failed, typed so that callers branch on `kind` instead of
// matching strings.
//
// A service error carries what the server said: the modelled error shape (`name`, taken from the
// x-amzn-ErrorType header as botocore does), the body's Code and Message, the HTTP status and the
// x-amzn-RequestId. Errors raised before or instead of a response (bad parameters, no
// credentials, connection failures) have http_status 0 and a descriptive `name`.
#pragma once

#include <string>
#include <string_view>

namespace chime::client {

enum class ErrorKind {
  // Modelled service errors (botocore shape names without "Exception").
  kBadRequest,             // BadRequestException 400
  kUnauthorizedClient,     // UnauthorizedClientException 401
  kForbidden,              // ForbiddenException 403
  kAccessDenied,           // AccessDeniedException 403
  kNotFound,               // NotFoundException 404
  kConflict,               // ConflictException 409
  kUnprocessableEntity,    // UnprocessableEntityException 422
  kResourceLimitExceeded,  // ResourceLimitExceededException 400
  kThrottledClient,        // ThrottledClientException 429
  kServiceFailure,         // ServiceFailureException 500
  kServiceUnavailable,     // ServiceUnavailableException 503
  // An error response whose shape the model does not name (a proxy's 502, an unknown type).
  kUnknownService,
  // Raised by the client itself.
  kInvalidParameter,  // a required parameter is missing or a value cannot be sent
  kCredentials,       // no credentials could be found, or a config file is malformed
  kNetwork,           // connect, TLS, write or read failed (includes timeouts)
  kTimeout,           // connect or read timeout
  kInvalidResponse,   // a success status with a body that is not the modelled shape
};

struct Error {
  ErrorKind kind = ErrorKind::kUnknownService;
  std::string name;        // "NotFoundException", or "ConnectionError", "ParamValidationError", ...
  std::string code;        // the body's Code ("NotFound"); empty when none was sent
  std::string message;     // human text; never contains secrets
  int http_status = 0;     // 0 when no response was received
  std::string request_id;  // x-amzn-RequestId, when the server sent one
  int attempts = 0;        // how many HTTP attempts were made (1 = not retried)
  // The call used all of its attempts (as botocore's MaxAttemptsReached: also true for a
  // non-retryable error on the last allowed attempt).
  bool max_attempts_reached = false;

  // 4xx from the server, or a problem with the caller's input/configuration.
  bool IsClientError() const;
  // 5xx from the server, a network failure, a timeout or an unreadable response.
  bool IsServerError() const;
  // ThrottledClientException or HTTP 429.
  bool IsThrottling() const;
  // "An error occurred (NotFoundException) when calling the GetUser operation: ..." needs the
  // operation name, so ToString gives the shorter "NotFoundException (HTTP 404): message".
  std::string ToString() const;
};

// Maps an x-amzn-ErrorType value (which may carry ":http://..." after the name, as some AWS
// services send) or, when absent, the HTTP status to an ErrorKind and the canonical shape name.
ErrorKind ErrorKindFromName(std::string_view shape_name);
std::string_view ShapeNameForStatus(int http_status);

Error MakeLocalError(ErrorKind kind, std::string name, std::string message);

}  // namespace chime::client
