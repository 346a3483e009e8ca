// One in-flight API request as the operation handlers see it: the matched route, who is
// calling, the shared dependencies, and a way to finish exactly once.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/operation.h"
#include "api/router.h"
#include "common/clock.h"
#include "common/random.h"
#include "common/status.h"
#include "store/store.h"

namespace chime::api {

struct ApiConfig {
  std::string aws_account_id = "123456789012";  // reported as Account.AwsAccountId
  bool strict_account_types = false;            // reproduce Amazon Chime's account-type rules
};

// Long-lived collaborators, owned by the composition root.
struct Deps {
  store::Store* store = nullptr;
  // Runs a function later on a server thread (the HTTP server's Post); unset: at once, on the
  // calling thread. For work a store thread must not do (api.cc: authenticating again).
  std::function<void(std::function<void()>)> defer;
  const Clock* clock = nullptr;
  RandomSource* random = nullptr;
  ApiConfig config;
};

// Who is calling, as the Gate established it, and what they may touch. Handlers of list and
// batch operations use `MayAccess` so that results never include, and writes never touch,
// objects outside what the caller may see.
struct Caller {
  std::string principal = "anonymous";  // access key id
  // Null means unrestricted (no gate configured).
  std::function<bool(Op op, const std::string& account_id)> may_access;
  // Set when the gate admitted the request with its cached copy of the key: the operation's
  // write must check it (store::AccessKeyCheck) and may answer Code::kKeyChanged, after which
  // the request is authenticated again from a fresh read (api.cc).
  std::optional<store::AccessKeyCheck> key_check;

  bool MayAccess(Op op, const std::string& account_id) const {
    return !may_access || may_access(op, account_id);
  }
};

class Call {
 public:
  using Finish = std::function<void(Status, int http_status, std::string body)>;

  Call(const Deps& deps, Op op, Route route, std::string request_id, Caller caller,
       std::string body, Finish finish)
      : deps(deps),
        op(op),
        labels(std::move(route.labels)),
        query(std::move(route.query)),
        request_id(std::move(request_id)),
        caller(std::move(caller)),
        body(std::move(body)),
        now_ms(deps.clock->NowMs()),
        finish_(std::move(finish)) {}

  const Deps& deps;
  const Op op;
  const std::vector<std::string> labels;  // decoded path labels, in template order
  const QueryParams query;
  const std::string request_id;
  const Caller caller;
  const std::string body;
  const int64_t now_ms;

  // Success: `http_status` with a JSON body ("" for 204).
  void Reply(int http_status, std::string json) { Done(OkStatus(), http_status, std::move(json)); }
  void Fail(Status status) { Done(std::move(status), 0, {}); }

 private:
  void Done(Status status, int http_status, std::string json) {
    if (finished_.exchange(true)) return;  // defensive: a second finish would be a bug
    finish_(std::move(status), http_status, std::move(json));
  }

  Finish finish_;
  std::atomic<bool> finished_{false};
};

using CallPtr = std::shared_ptr<Call>;

// Runs `fn` in a snapshot read; replies `http_status` with the body `fn` produced, or fails.
void RunRead(const CallPtr& call, int http_status,
             std::function<Status(store::Tx&, std::string* body)> fn);
// Queues `fn` as a durable write; replies only after the commit, or fails.
void RunWrite(const CallPtr& call, int http_status,
              std::function<Status(store::Tx&, std::string* body)> fn);

}  // namespace chime::api
