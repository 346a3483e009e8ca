#include "api/call.h"

namespace chime::api {

void RunRead(const CallPtr& call, int http_status,
             std::function<Status(store::Tx&, std::string* body)> fn) {
  std::string body;
  Status status = call->deps.store->Read([&](store::Tx& tx) { return fn(tx, &body); });
  if (!status.ok()) return call->Fail(std::move(status));
  call->Reply(http_status, std::move(body));
}

void RunWrite(const CallPtr& call, int http_status,
              std::function<Status(store::Tx&, std::string* body)> fn) {
  auto body = std::make_shared<std::string>();
  call->deps.store->Write(
      [fn = std::move(fn), body](store::Tx& tx) {
        body->clear();
        return fn(tx, body.get());
      },
      [call, body, http_status](Status status) {
        if (!status.ok()) return call->Fail(std::move(status));
        call->Reply(http_status, std::move(*body));
      });
}

}  // namespace chime::api
