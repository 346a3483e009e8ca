// Send-and-decode templates used by the operation files. Internal.
#pragma once

#include <utility>

#include "client/client.h"
#include "client/operation_util.h"

namespace chime::client::internal {

// Sends `call` and decodes the object member `member` of the response with `from`.
template <typename F>
auto SendSingle(Client& client, const Client::Call& call, const char* member, F from)
    -> Result<decltype(from(std::declval<const rapidjson::Value&>()))> {
  CLIENT_ASSIGN_OR_RETURN(http::Response res, client.Invoke(call));
  CLIENT_ASSIGN_OR_RETURN(rapidjson::Document doc, ParseObject(res, call.operation));
  CLIENT_ASSIGN_OR_RETURN(const rapidjson::Value* v, RequireObject(doc, member, call.operation));
  return from(*v);
}

// Sends `call` and decodes the whole response object with `from`.
template <typename F>
auto SendDocument(Client& client, const Client::Call& call, F from)
    -> Result<decltype(from(std::declval<const rapidjson::Document&>()))> {
  CLIENT_ASSIGN_OR_RETURN(http::Response res, client.Invoke(call));
  CLIENT_ASSIGN_OR_RETURN(rapidjson::Document doc, ParseObject(res, call.operation));
  return from(doc);
}

// Sends `call`, whose operation has no output.
inline Result<Empty> SendNoOutput(Client& client, const Client::Call& call) {
  CLIENT_ASSIGN_OR_RETURN(http::Response res, client.Invoke(call));
  (void)res;
  return Empty{};
}

}  // namespace chime::client::internal
