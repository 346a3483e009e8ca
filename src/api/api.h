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
// be read from or written to the store for a request the gate refuses. With `may_use_cache`,
// the gate may admit from a cached copy of the caller's key, and then sets Caller::key_check;
// without it, it reads the key afresh. Thread-safe.
class Gate {
 public:
  virtual ~Gate() = default;
  virtual StatusOr<Caller> Admit(const http::Request& request, Op op, const Route& route,
                                 bool may_use_cache) = 0;
};

// Decides, after the Gate, whether the caller may run `op` now or must slow down. Returns OK or
// kResourceExhausted with retry_after_ms set. Must not touch the store. Thread-safe.
class Throttle {
 public:
  virtual ~Throttle() = default;
  virtual Status Check(const Caller& caller, Op op, const Route& route) = 0;
};

// Bounds the work in flight. Enter() either runs `start` now on the calling thread, or queues
// it to run later on some other thread, or refuses (returns false) because the queue is full.
// Every started request calls Leave() exactly once, after its response was handed over.
// Thread-safe.
class Admission {
 public:
  virtual ~Admission() = default;
  virtual bool Enter(std::function<void()> start) = 0;
  virtual void Leave() = 0;
};

// Answers /readyz: `done(OK)` when the store can take writes now, else a kUnavailable naming
// why. May call `done` on any thread. Must have no side effects on stored data. Thread-safe.
class Readiness {
 public:
  virtual ~Readiness() = default;
  virtual void Check(std::function<void(Status)> done) = 0;
};

// Optional stages of the pipeline; a null member is skipped.
struct Guards {
  Throttle* throttle = nullptr;
  Admission* admission = nullptr;
  Readiness* readiness = nullptr;  // null: /readyz answers after a store read succeeds
};

class Api {
 public:
  // `gate` may be null: every request is then admitted as an unrestricted "anonymous" caller
  // (unit tests of the pipeline).
  Api(Deps deps, Gate* gate, Guards guards = {});

  // http::Handler: answers every request exactly once; never throws.
  void Handle(http::Request request, http::Responder respond);

 private:
  using Finish = std::function<void(http::Response)>;
  void Admit(http::Request request, const std::string& request_id, Finish finish);
  void DispatchSafely(http::Request& request, const std::string& request_id, const Finish& finish);
  void Dispatch(http::Request& request, const std::string& request_id, const Finish& finish);
  // What a request admitted from the gate's cache needs to be authenticated again.
  struct KeptRequest {
    http::Request request;
    Route route;
    std::string request_id;
    Finish finish;
  };
  // Runs the admitted request's handler. `kept` is set for a request admitted from the gate's
  // cached copy of its key: a write answered Code::kKeyChanged is authenticated again and run
  // again (AdmitAgain), and a refusal of its input is confirmed first (ConfirmRefusal).
  void Run(Op op, Route route, const std::string& request_id, Caller caller, std::string body,
           const Finish& finish, std::shared_ptr<KeptRequest> kept);
  void AdmitAgain(const std::shared_ptr<KeptRequest>& kept);
  // Answers `refusal` (decided without the key: the request's input) to a request admitted
  // from the cached key only once a fresh read of the key still admits it; otherwise what that
  // read decides (401, 403), as for any request whose key was disabled, deleted or narrowed.
  void ConfirmRefusal(const std::shared_ptr<KeptRequest>& kept, http::Response refusal);
  // Runs `fn` for `kept` where a read may wait (Deps::defer: a server thread, not the store's);
  // an exception costs that request a 500.
  void OnServerThread(const std::shared_ptr<KeptRequest>& kept, std::function<void()> fn);
  void Ready(const Finish& finish);

  Deps deps_;
  Gate* gate_;
  Guards guards_;
};

}  // namespace chime::api
