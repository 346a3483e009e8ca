// The request pipeline of chimed: health endpoints, routing, authentication and
// authorization (through the injected Gate), the operation handler, and the response
// envelope every answer carries (x-amzn-RequestId, Date, errors in Chime's format).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "api/call.h"
#include "api/operation.h"
#include "http/message.h"
#include "http/server.h"

namespace chime::api {

// Decides whether a request may run: authenticates the caller (SigV4), checks that the
// caller may perform `op` on the account named by the route (if any) and applies throttling.
// Returns the Caller or kUnauthenticated / kPermissionDenied / kResourceExhausted. Nothing may
// be read from or written to the store for a request the gate refuses. Thread-safe.
class Gate {
 public:
  virtual ~Gate() = default;
  virtual StatusOr<Caller> Admit(const http::Request& request, Op op, const Route& route) = 0;
};

class Api {
 public:
  // `gate` may be null: every request is then admitted as an unrestricted "anonymous" caller
  // (unit tests of the pipeline).
  Api(Deps deps, Gate* gate);

  // http::Handler: answers every request exactly once; never throws.
  void Handle(http::Request request, http::Responder respond);

 private:
  void Dispatch(http::Request& request, const std::string& request_id,
                const std::function<void(http::Response)>& finish);

  Deps deps_;
  Gate* gate_;
};

}  // namespace chime::api
