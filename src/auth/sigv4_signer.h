// Client-side SigV4 signing of an http::Request, as botocore's SigV4Auth / SigV4QueryAuth do it
// for non-S3 services. Used by chimed's C++ client library and by the tests of the verifier.
//
// Example:
//   http::Request req{.method = "POST",
//                     .target = "/accounts/a%20b/users/u1?operation=reset-personal-pin",
//                     .headers = {{"Host", "chime.example.com"}}};
//   SigningOptions opts{.region = "us-east-1", .time_ms = clock.NowMs()};
//   StatusOr<SigningResult> signed_req = SignRequest(credentials, opts, &req);
//   // req now carries X-Amz-Date, [X-Amz-Security-Token] and Authorization.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"
#include "http/message.h"

namespace chime::auth {

// An access key. Secret material: never log `secret_access_key` or `session_token`.
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::optional<std::string> session_token;
};

struct SigningOptions {
  std::string region = "us-east-1";
  std::string service = "chime";
  int64_t time_ms = 0;  // signing time, epoch milliseconds (from an injected Clock)
  // Header signing only: also send X-Amz-Content-SHA256 (hex sha256 of the body), signed.
  bool add_content_sha256_header = false;
  // false: the session token is attached after signing, unsigned (some STS clients do this).
  bool sign_session_token = true;
  // false: sign the path without removing dot segments (S3 style; chime clients normalise).
  bool normalize_path = true;
};

struct PresignOptions {
  int64_t expires_s = 900;  // 1..604800
  // Sign the payload as UNSIGNED-PAYLOAD and say so with X-Amz-Content-SHA256 in the query.
  bool unsigned_payload = false;
};

// What was signed. The canonical request can contain the session token: do not log it.
struct SigningResult {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;  // lowercase hex
};

// Signs `request` in place with an Authorization header. Removes any previous Authorization,
// X-Amz-Date, X-Amz-Security-Token and X-Amz-Content-SHA256 headers, then adds
// [X-Amz-Security-Token], X-Amz-Date, [X-Amz-Content-SHA256] and Authorization. Every header
// present is signed except Authorization, User-Agent, Expect and X-Amzn-Trace-Id (botocore's
// list), since proxies may rewrite those. Returns InvalidArgument when the request has no Host
// header, its query has a malformed escape, or a credential/scope field cannot be represented.
// Thread-safe (no shared state).
StatusOr<SigningResult> SignRequest(const Credentials& credentials, const SigningOptions& options,
                                    http::Request* request);

// Presigns `request` in place: appends X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date,
// X-Amz-SignedHeaders, X-Amz-Expires, [X-Amz-Content-SHA256], [X-Amz-Security-Token] and
// X-Amz-Signature to the target's query, in that order. options.add_content_sha256_header is
// ignored. Errors as SignRequest, and InvalidArgument when the query already carries X-Amz-*
// authentication parameters or expires_s is outside 1..604800.
StatusOr<SigningResult> PresignRequest(const Credentials& credentials,
                                       const SigningOptions& options, const PresignOptions& presign,
                                       http::Request* request);

}  // namespace chime::auth
