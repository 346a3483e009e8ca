// Server-side verification of SigV4-signed requests (Authorization header or presigned URL).
//
// Example:
//   SigV4Verifier verifier(VerifierOptions{}, SystemClock::Get(),
//                          [&](std::string_view akid) { return store.FindKey(akid); });
//   StatusOr<VerifiedCaller> caller = verifier.Verify(request);
//   if (!caller.ok()) return caller.status();  // kUnauthenticated -> 401
//
// What is checked, in order: no header value carries CR/LF/NUL (obs-fold is refused); the
// Authorization header or the X-Amz-* query parameters are well formed; the credential scope is
// <date>/<accepted region>/<service>/aws4_request with the date of X-Amz-Date (or Date); the
// request time is within max_skew_ms of the clock (presigned: not in the future beyond the skew
// and not past X-Amz-Expires); host is signed; X-Amz-Content-SHA256, when sent, is the real
// body hash (UNSIGNED-PAYLOAD only on presigned URLs); the signature; the session token.
//
// Every failure is kUnauthenticated with an AWS-style message naming the part that failed.
// Messages never contain the secret, the expected signature, the session token or the
// Authorization header. An unknown access key and a wrong signature take the same code path
// (a dummy secret is used) and return the same message, so neither the message nor the
// verifier's own timing reveals whether a key exists (the KeyLookup's timing is the caller's
// concern).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/signing_key_cache.h"
#include "common/clock.h"
#include "common/status.h"
#include "http/message.h"

namespace chime::auth {

// The server's copy of an access key. Secret material: never log it.
struct KeyMaterial {
  std::string secret;
  // When set, requests must carry exactly this X-Amz-Security-Token; when unset (and
  // session_token_sha256 is unset too), they must not carry any.
  std::optional<std::string> session_token;
  // The same check against a stored lowercase hex SHA-256 of the token, for stores that keep
  // only a hash. Used when `session_token` is unset.
  std::optional<std::string> session_token_sha256;
};

// Finds the key material of an access key id; nullopt when unknown. Called once per request
// whose syntax, scope and time are valid. Must be thread-safe and must not throw (an exception
// is turned into kInternal).
using KeyLookup = std::function<std::optional<KeyMaterial>(std::string_view access_key_id)>;

struct VerifierOptions {
  std::vector<std::string> regions{"us-east-1"};  // regions accepted in the credential scope
  std::string service{"chime"};
  int64_t max_skew_ms = 300000;            // allowed clock difference, both directions
  int64_t max_presign_expires_s = 604800;  // largest X-Amz-Expires accepted
  // false reproduces S3-style signing (path signed without removing dot segments). Only the
  // AWS conformance suite needs it; chime clients always normalise.
  bool normalize_path = true;
  size_t signing_key_cache_capacity = 1024;
};

struct VerifiedCaller {
  std::string access_key_id;
  bool presigned = false;  // authenticated by query parameters rather than a header
};

class SigV4Verifier {
 public:
  // `clock` must outlive the verifier.
  SigV4Verifier(VerifierOptions options, const Clock& clock, KeyLookup lookup);

  // Verifies `request`. Returns the caller, or kUnauthenticated (kInternal only when the
  // KeyLookup throws). Thread-safe; never throws except std::bad_alloc.
  StatusOr<VerifiedCaller> Verify(const http::Request& request) const;

  // The same with a lookup for this call only, which replaces the constructor's. Lets a caller
  // keep what its lookup found beyond the key material (a policy, say) in its own stack frame:
  //   std::optional<Entry> found;
  //   auto caller = verifier.Verify(request, [&](std::string_view id) { ... found = ...; });
  StatusOr<VerifiedCaller> Verify(const http::Request& request, const KeyLookup& lookup) const;

 private:
  VerifierOptions options_;
  const Clock& clock_;
  KeyLookup lookup_;
  mutable SigningKeyCache key_cache_;
};

}  // namespace chime::auth
