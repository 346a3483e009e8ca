// Internal to the verifier: extracts the SigV4 parameters a request carries, either in the
// Authorization header or in a presigned URL's query, without judging them against any policy
// (region list, clock, keys). Split out so that this hostile-input parser can be unit-tested
// and fuzzed on its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/sigv4_canonical.h"
#include "common/status.h"
#include "http/message.h"

namespace chime::auth {

struct AuthParams {
  bool presigned = false;
  std::string access_key_id;
  std::string scope_date;  // YYYYMMDD from the credential scope
  std::string region;
  std::string service;
  std::string terminator;
  std::vector<std::string> signed_headers;  // as sent, split on ';'
  std::string signature;                    // as sent
  std::string amz_date;                     // YYYYMMDDTHHMMSSZ (a Date header is converted)
  int64_t time_ms = 0;                      // amz_date as epoch ms
  int64_t expires_s = 0;                    // presigned only, 0..9999999
  std::optional<std::string> session_token;
  bool session_token_in_query = false;
  std::optional<std::string> content_sha256;  // X-Amz-Content-SHA256 as declared
  std::vector<QueryParam> query;              // every query parameter, decoded, in order
};

// Parses the authentication parameters of `request`. Every error is Unauthenticated with an
// AWS-style message naming the part that is wrong. Messages never echo the Authorization header,
// the signature or the session token; short scope fields are echoed sanitised.
// Never throws except std::bad_alloc; safe on arbitrary bytes.
StatusOr<AuthParams> ParseAuthParams(const http::Request& request);

// Parses an HTTP IMF-fixdate ("Sun, 30 Aug 2015 12:36:00 GMT") to epoch ms; nullopt when malformed.
std::optional<int64_t> ParseImfFixdate(std::string_view s);

// `s` made safe to quote in an error message: at most 64 bytes, non-printable ASCII as '?'.
std::string QuoteSafe(std::string_view s);

}  // namespace chime::auth
