#include "api/api.h"

#include "api/error_mapping.h"
#include "api/operations/operations.h"
#include "common/log.h"
#include "common/time_format.h"

namespace chime::api {
namespace {

http::Response JsonResponse(int status, std::string body) {
  http::Response r;
  r.status = status;
  if (!body.empty()) r.SetHeader("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

}  // namespace

Api::Api(Deps deps, Gate* gate) : deps_(std::move(deps)), gate_(gate) {}

void Api::Handle(http::Request request, http::Responder respond) {
  const int64_t start_ns = deps_.clock->MonotonicNs();
  std::string request_id = NewUuid(*deps_.random);
  std::string method = request.method;
  auto finish = [this, respond = std::move(respond), request_id, start_ns,
                 method](http::Response response) {
    response.SetHeader("x-amzn-RequestId", request_id);
    response.SetHeader("Date", FormatHttpDate(deps_.clock->NowMs()));
    const std::string* op = response.Header("x-chimed-operation");
    LOG_INFO("request id=" << request_id << " method=" << method
                           << " op=" << (op ? *op : std::string("-")) << " status="
                           << response.status << " us="
                           << (deps_.clock->MonotonicNs() - start_ns) / 1000);
    // The operation name is for the log line only.
    std::erase_if(response.headers, [](const auto& h) {
      return http::HeaderNameEquals(h.first, "x-chimed-operation");
    });
    respond(std::move(response));
  };
  try {
    Dispatch(request, request_id, finish);
  } catch (const std::exception& e) {
    // Defensive: handlers report errors as values; a bug must cost one request, not the process.
    LOG_ERROR("request id=" << request_id << " failed unexpectedly: " << e.what());
    finish(ErrorResponse(std::nullopt, Internal("The service failed to process the request.")));
  }
}

void Api::Dispatch(http::Request& request, const std::string& request_id,
                   const std::function<void(http::Response)>& finish) {
  std::string_view path = request.RawPath();
  if (request.method == "GET" && path == "/healthz") {
    return finish(JsonResponse(200, R"({"Status":"ok"})"));
  }
  if (request.method == "GET" && path == "/readyz") {
    Status ready = deps_.store->Read([](store::Tx&) { return OkStatus(); });
    if (!ready.ok()) return finish(ErrorResponse(std::nullopt, ready));
    return finish(JsonResponse(200, R"({"Status":"ready"})"));
  }

  auto route = MatchRoute(request.method, path, request.RawQuery());
  if (!route.ok()) return finish(ErrorResponse(std::nullopt, route.status()));
  const Op op = route->op;
  Caller caller;
  if (gate_) {
    auto admitted = gate_->Admit(request, op, *route);
    if (!admitted.ok()) return finish(ErrorResponse(op, admitted.status()));
    caller = std::move(*admitted);
  }
  OperationHandler handler = HandlerFor(op);
  if (!handler) {
    return finish(ErrorResponse(
        op, InvalidArgument(std::string(OpName(op)) + " is not supported by this chimed.")));
  }
  auto call = std::make_shared<Call>(
      deps_, op, std::move(*route), request_id, std::move(caller), std::move(request.body),
      [op, finish](Status status, int http_status, std::string body) {
        http::Response response = status.ok() ? JsonResponse(http_status, std::move(body))
                                              : ErrorResponse(op, status);
        response.SetHeader("x-chimed-operation", std::string(OpName(op)));
        finish(std::move(response));
      });
  handler(call);
}

}  // namespace chime::api
