#include "client/error.h"

#include <array>
#include <utility>

namespace chime::client {
namespace {

struct KindName {
  ErrorKind kind;
  std::string_view name;
  int status;
};

constexpr std::array<KindName, 11> kModelled{{
    {ErrorKind::kBadRequest, "BadRequestException", 400},
    {ErrorKind::kUnauthorizedClient, "UnauthorizedClientException", 401},
    {ErrorKind::kForbidden, "ForbiddenException", 403},
    {ErrorKind::kAccessDenied, "AccessDeniedException", 403},
    {ErrorKind::kNotFound, "NotFoundException", 404},
    {ErrorKind::kConflict, "ConflictException", 409},
    {ErrorKind::kUnprocessableEntity, "UnprocessableEntityException", 422},
    {ErrorKind::kResourceLimitExceeded, "ResourceLimitExceededException", 400},
    {ErrorKind::kThrottledClient, "ThrottledClientException", 429},
    {ErrorKind::kServiceFailure, "ServiceFailureException", 500},
    {ErrorKind::kServiceUnavailable, "ServiceUnavailableException", 503},
}};

}  // namespace

bool Error::IsClientError() const {
  if (http_status != 0) return http_status >= 400 && http_status < 500;
  return kind == ErrorKind::kInvalidParameter || kind == ErrorKind::kCredentials;
}

bool Error::IsServerError() const { return !IsClientError(); }

bool Error::IsThrottling() const {
  return kind == ErrorKind::kThrottledClient || http_status == 429;
}

std::string Error::ToString() const {
  std::string out = name.empty() ? "Error" : name;
  if (http_status != 0) out += " (HTTP " + std::to_string(http_status) + ")";
  out += ": " + message;
  if (!request_id.empty()) out += " [request id " + request_id + "]";
  return out;
}

ErrorKind ErrorKindFromName(std::string_view shape_name) {
  // botocore strips everything after ':' (some services append a documentation URL).
  shape_name = shape_name.substr(0, shape_name.find(':'));
  for (const KindName& k : kModelled) {
    if (k.name == shape_name) return k.kind;
  }
  return ErrorKind::kUnknownService;
}

std::string_view ShapeNameForStatus(int http_status) {
  // Only statuses with exactly one modelled shape; 403 and 400 are ambiguous but the server
  // names its shape in x-amzn-ErrorType, so this is the fallback for proxies and old servers.
  for (const KindName& k : kModelled) {
    if (k.status == http_status && k.kind != ErrorKind::kAccessDenied &&
        k.kind != ErrorKind::kResourceLimitExceeded) {
      return k.name;
    }
  }
  return {};
}

Error MakeLocalError(ErrorKind kind, std::string name, std::string message) {
  Error e;
  e.kind = kind;
  e.name = std::move(name);
  e.message = std::move(message);
  return e;
}

}  // namespace chime::client
