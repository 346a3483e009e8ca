#include "api/api.h"

#include <climits>

#include "api/error_mapping.h"
#include "api/operations/operations.h"
#include "common/log.h"
#include "common/time_format.h"

namespace chime::api {
namespace {

// The Date header changes once a second; formatting it (gmtime + snprintf) for every answer
// showed in the profile, so each I/O thread keeps the text of the current second.
const std::string& HttpDateFor(int64_t now_ms) {
  thread_local int64_t second = INT64_MIN;
  thread_local std::string text;
  if (now_ms / 1000 != second) {
    second = now_ms / 1000;
    text = FormatHttpDate(now_ms);
  }
  return text;
}

// The one line logged per request, built by appending rather than through an ostringstream.
void LogRequest(const std::string& request_id, const std::string& method, const std::string* op,
                int status, int64_t micros) {
  if (log::Level::kInfo < log::GetLevel()) return;
  std::string line;
  line.reserve(128);
  line.append("request id=").append(request_id).append(" method=").append(method);
  line.append(" op=").append(op ? *op : std::string("-"));
  line.append(" status=").append(std::to_string(status));
  line.append(" us=").append(std::to_string(micros));
  log::Write(log::Level::kInfo, line);
}

// The answer to a request whose operation is known, carrying the operation's name for the log
// line (Handle's finish takes the header off again): refusals by the gate and the throttle too.
http::Response ForOp(Op op, http::Response response) {
  response.SetHeader("x-chimed-operation", std::string(OpName(op)));
  return response;
}

http::Response OpError(Op op, const Status& status) { return ForOp(op, ErrorResponse(op, status)); }

http::Response JsonResponse(int status, std::string body) {
  http::Response r;
  r.status = status;
  if (!body.empty()) r.SetHeader("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

}  // namespace

Api::Api(Deps deps, Gate* gate, Guards guards)
    : deps_(std::move(deps)), gate_(gate), guards_(guards) {}

void Api::Handle(http::Request request, http::Responder respond) {
  const int64_t start_ns = deps_.clock->MonotonicNs();
  std::string request_id = NewUuid(*deps_.random);
  std::string method = request.method;
  auto finish = [this, respond = std::move(respond), request_id, start_ns,
                 method](http::Response response) {
    response.SetHeader("x-amzn-RequestId", request_id);
    response.SetHeader("Date", HttpDateFor(deps_.clock->NowMs()));
    LogRequest(request_id, method, response.Header("x-chimed-operation"), response.status,
               (deps_.clock->MonotonicNs() - start_ns) / 1000);
    // The operation name is for the log line only.
    std::erase_if(response.headers, [](const auto& h) {
      return http::HeaderNameEquals(h.first, "x-chimed-operation");
    });
    respond(std::move(response));
  };
  std::string_view path = request.RawPath();
  // Health endpoints skip admission control: a load balancer must learn the truth under load.
  if (request.method == "GET" && path == "/healthz") {
    return finish(JsonResponse(200, R"({"Status":"ok"})"));
  }
  if (request.method == "GET" && path == "/readyz") return Ready(finish);
  Admit(std::move(request), request_id, std::move(finish));
}

void Api::Admit(http::Request request, const std::string& request_id, Finish finish) {
  if (guards_.admission == nullptr) return DispatchSafely(request, request_id, finish);
  Admission* admission = guards_.admission;
  // The request and its finish are shared by the queued start and the response path rather
  // than copied into each: `finish` owns the responder (a shared session and a work guard),
  // and its copies were several allocations per request.
  struct Admitted {
    http::Request request;
    std::string request_id;
    Finish finish;
  };
  auto admitted = std::make_shared<Admitted>(
      Admitted{std::move(request), request_id, std::move(finish)});
  bool entered = admission->Enter([this, admitted, admission] {
    DispatchSafely(admitted->request, admitted->request_id,
                   [admitted, admission](http::Response response) {
                     admitted->finish(std::move(response));
                     admission->Leave();
                   });
  });
  if (!entered) {
    admitted->finish(ErrorResponse(
        std::nullopt, Unavailable("chimed is at capacity; retry after the Retry-After interval.")
                          .WithRetryAfterMs(1000)));
  }
}

void Api::DispatchSafely(http::Request& request, const std::string& request_id,
                         const Finish& finish) {
  try {
    Dispatch(request, request_id, finish);
  } catch (const std::exception& e) {
    // Defensive: handlers report errors as values; a bug must cost one request, not the process.
    LOG_ERROR("request id=" << request_id << " failed unexpectedly: " << e.what());
    finish(ErrorResponse(std::nullopt, Internal("The service failed to process the request.")));
  }
}

void Api::Ready(const Finish& finish) {
  auto answer = [finish](const Status& ready) {
    if (!ready.ok()) return finish(ErrorResponse(std::nullopt, ready));
    finish(JsonResponse(200, R"({"Status":"ready"})"));
  };
  if (guards_.readiness != nullptr) return guards_.readiness->Check(answer);
  answer(deps_.store->Read([](store::Tx&) { return OkStatus(); }));
}

void Api::Dispatch(http::Request& request, const std::string& request_id, const Finish& finish) {
  std::string_view path = request.RawPath();
  auto route = MatchRoute(request.method, path, request.RawQuery());
  if (!route.ok()) return finish(ErrorResponse(std::nullopt, route.status()));
  const Op op = route->op;
  // The gate's key lookup and a read operation's own reads run here on this thread: one read
  // transaction for all of them instead of one each (it ends when Dispatch returns; a write
  // operation's commit and answer come later, from the store's thread).
  const auto shared_reads = deps_.store->ShareReads();
  Caller caller;
  if (gate_) {
    auto admitted = gate_->Admit(request, op, *route, /*may_use_cache=*/true);
    if (!admitted.ok()) return finish(OpError(op, admitted.status()));
    caller = std::move(*admitted);
  }
  if (guards_.throttle != nullptr) {
    // After the gate (the bucket is the caller's), before the handler: nothing is read or
    // written for a throttled request.
    Status allowed = guards_.throttle->Check(caller, op, *route);
    if (!allowed.ok()) {
      if (caller.key_check) {
        // Admitted from the cached key: a key disabled, deleted or narrowed meanwhile is
        // answered as such, not 429 (the read any other operation makes before this point).
        auto fresh = gate_->Admit(request, op, *route, /*may_use_cache=*/false);
        if (!fresh.ok()) return finish(OpError(op, fresh.status()));
      }
      return finish(OpError(op, allowed));
    }
  }
  OperationHandler handler = HandlerFor(op);
  if (!handler) {
    return finish(OpError(
        op, InvalidArgument(std::string(OpName(op)) + " is not supported by this chimed.")));
  }
  if (!caller.key_check) {
    return Run(op, std::move(*route), request_id, std::move(caller), std::move(request.body),
               finish, nullptr);
  }
  // Admitted from the gate's cached copy of the key: keep the request, to authenticate it again
  // should its write find that the key changed meanwhile.
  auto kept =
      std::make_shared<KeptRequest>(KeptRequest{std::move(request), *route, request_id, finish});
  Run(op, std::move(*route), request_id, std::move(caller), kept->request.body, finish, kept);
}

void Api::Run(Op op, Route route, const std::string& request_id, Caller caller, std::string body,
              const Finish& finish, std::shared_ptr<KeptRequest> kept) {
  auto call = std::make_shared<Call>(
      deps_, op, std::move(route), request_id, std::move(caller), std::move(body),
      [this, op, finish, kept = std::move(kept)](Status status, int http_status, std::string body) {
        if (kept && status.code() == Code::kKeyChanged) return AdmitAgain(kept);
        http::Response response = ForOp(op, status.ok() ? JsonResponse(http_status, std::move(body))
                                                        : ErrorResponse(op, status));
        // Only kInvalidArgument: every other error a write gives comes from its store, which
        // checked the key first (store::AccessKeyCheck), and one (the account deleted right
        // after the reset committed) follows a commit that a 401 must not hide.
        if (kept && status.code() == Code::kInvalidArgument) {
          return ConfirmRefusal(kept, std::move(response));
        }
        finish(std::move(response));
      });
  HandlerFor(op)(call);
}

void Api::AdmitAgain(const std::shared_ptr<KeptRequest>& kept) {
  // Called from the store's thread, which must not wait for a read: the fresh key read and the
  // second run happen on a server thread. The first run wrote nothing (store::AccessKeyCheck).
  OnServerThread(kept, [this, kept] {
    const Op op = kept->route.op;
    LOG_INFO("request id=" << kept->request_id
                           << ": its access key changed before its write;"
                              " authenticating it again");
    auto admitted = gate_->Admit(kept->request, op, kept->route, /*may_use_cache=*/false);
    if (!admitted.ok()) return kept->finish(OpError(op, admitted.status()));
    Run(op, kept->route, kept->request_id, std::move(*admitted), std::move(kept->request.body),
        kept->finish, nullptr);
  });
}

void Api::ConfirmRefusal(const std::shared_ptr<KeptRequest>& kept, http::Response refusal) {
  OnServerThread(kept, [this, kept, refusal = std::move(refusal)]() mutable {
    const Op op = kept->route.op;
    auto admitted = gate_->Admit(kept->request, op, kept->route, /*may_use_cache=*/false);
    if (!admitted.ok()) return kept->finish(OpError(op, admitted.status()));
    kept->finish(std::move(refusal));
  });
}

void Api::OnServerThread(const std::shared_ptr<KeptRequest>& kept, std::function<void()> fn) {
  auto guarded = [kept, fn = std::move(fn)] {
    try {
      fn();
    } catch (const std::exception& e) {
      LOG_ERROR("request id=" << kept->request_id << " failed unexpectedly: " << e.what());
      kept->finish(
          ErrorResponse(std::nullopt, Internal("The service failed to process the request.")));
    }
  };
  if (deps_.defer) return deps_.defer(std::move(guarded));
  guarded();
}

}  // namespace chime::api
