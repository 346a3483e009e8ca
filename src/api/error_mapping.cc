#include "api/error_mapping.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/encoding.h"

namespace chime::api {

WireError ToWireError(Code code) {
  switch (code) {
    case Code::kInvalidArgument: return {400, "BadRequestException", "BadRequest"};
    case Code::kKeyChanged:  // never answered as such (api.cc authenticates again)
    case Code::kUnauthenticated: return {401, "UnauthorizedClientException", "Unauthorized"};
    case Code::kPermissionDenied: return {403, "ForbiddenException", "Forbidden"};
    case Code::kNotFound: return {404, "NotFoundException", "NotFound"};
    case Code::kConflict: return {409, "ConflictException", "Conflict"};
    case Code::kUnprocessable: return {422, "UnprocessableEntityException", "Unprocessable"};
    case Code::kResourceExhausted: return {429, "ThrottledClientException", "Throttled"};
    case Code::kUnavailable: return {503, "ServiceUnavailableException", "ServiceUnavailable"};
    case Code::kOk:
    case Code::kInternal: break;
  }
  return {500, "ServiceFailureException", "ServiceFailure"};
}

http::Response ErrorResponse(std::optional<Op> op, const Status& status) {
  Code code = status.ok() ? Code::kInternal : status.code();
  if (code == Code::kKeyChanged) code = Code::kUnauthenticated;
  if (op && !OpListsError(*op, code)) {
    // Conflict/Unprocessable/NotFound on an operation that does not list them: the request
    // cannot succeed as sent, which every operation expresses as BadRequest.
    code = Code::kInvalidArgument;
  }
  WireError wire = ToWireError(code);

  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("Code");
  w.String(wire.code);
  w.Key("Message");
  // Messages may echo what the client sent (an id, a path); JSON must stay valid UTF-8.
  const std::string message = status.message().empty() ? std::string("The request failed.")
                                                        : SanitizeUtf8(status.message());
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  w.EndObject();

  http::Response r;
  r.status = wire.http_status;
  r.SetHeader("Content-Type", "application/json");
  r.SetHeader("x-amzn-ErrorType", wire.shape);
  if (code == Code::kResourceExhausted || code == Code::kUnavailable) {
    int ms = status.retry_after_ms().value_or(1000);
    r.SetHeader("Retry-After", std::to_string((ms + 999) / 1000));
    r.SetHeader("x-amz-retry-after", std::to_string(ms));
  }
  r.body.assign(buf.GetString(), buf.GetSize());
  return r;
}

}  // namespace chime::api
