// The building blocks of AWS Signature Version 4, shared by the client-side signer and the
// server-side verifier so that both build byte-identical canonical requests.
//
// The rules follow botocore's SigV4Auth for non-S3 services (the reference signer chimed's
// clients use) and are checked byte for byte against the official AWS SigV4 test suite:
//
//   CanonicalRequest = Method \n CanonicalUri \n CanonicalQuery \n CanonicalHeaders \n
//                      SignedHeaders \n PayloadHash
//   StringToSign     = "AWS4-HMAC-SHA256" \n AmzDate \n Scope \n hex(sha256(CanonicalRequest))
//   Signature        = hex(HMAC(DeriveSigningKey(secret, date, region, service), StringToSign))
//
// Every function here is pure and thread-safe. None of them logs; callers must never log a
// canonical request either, because it can contain a signed session token.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "auth/hmac_sha256.h"
#include "common/status.h"
#include "http/message.h"

namespace chime::auth {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kScopeTerminator = "aws4_request";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
// hex(sha256("")): the payload hash of every request without a body.
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// Lowercase hex SHA-256 (the raw digest is Sha256 in auth/hmac_sha256.h).
std::string Sha256Hex(std::string_view data);
// Raw 32-byte HMAC-SHA256 of `data` under `key`.
std::string HmacSha256(std::string_view key, std::string_view data);

// Removes "." and ".." segments (RFC 3986 5.2.4) and collapses empty segments ("//"), keeping a
// leading and a trailing '/', exactly like botocore's remove_dot_segments. Works on the raw,
// still percent-encoded path, so an encoded "%2F" is never mistaken for a separator.
// NormalizePath("/a//b/../c/") == "/a/c/"; NormalizePath("") == "/".
std::string NormalizePath(std::string_view raw_path);

// The canonical URI of a raw request path: normalised (unless `normalize` is false, which only
// S3-style signing wants), then percent-encoded once more, keeping '/'. The path is never
// decoded first: a label "a b" travels as "/accounts/a%20b" and is signed as
// "/accounts/a%2520b", because that is what AWS clients sign for non-S3 services.
std::string CanonicalUri(std::string_view raw_path, bool normalize = true);

// One query parameter, percent-decoded.
struct QueryParam {
  std::string name;
  std::string value;
};

// Splits a raw query ("a=1&b&c=%20") on '&' and the first '=', decoding each name and value.
// A parameter without '=' has an empty value; empty segments ("a=1&&b=2") are skipped. '+' is
// kept as '+' (SigV4 does not use form encoding). Returns InvalidArgument for a malformed
// percent escape.
StatusOr<std::vector<QueryParam>> ParseQuery(std::string_view raw_query);

// Encodes every name and value with the RFC 3986 unreserved set, sorts by encoded name then
// encoded value, and joins as "n1=v1&n2=v2".
std::string CanonicalQueryString(const std::vector<QueryParam>& params);

// A header value as it is signed: leading and trailing spaces and tabs removed and every inner
// run of them collapsed to a single space.
std::string CanonicalHeaderValue(std::string_view value);

// True when `value` contains CR, LF or NUL. A value containing CR/LF arrived with obsolete line
// folding (or was smuggled); SigV4 verification rejects such requests instead of guessing how
// the client unfolded them.
bool HasLineBreakOrNul(std::string_view value);

// The canonical headers block and the signed-headers line for `signed_names`, which must be
// lowercase, strictly ascending and each present at least once in `headers`. Repeated headers
// are joined with ',' in arrival order. Returns InvalidArgument naming the problem when a name
// is missing, out of order, or a value contains CR/LF/NUL.
struct CanonicalHeaderBlock {
  std::string headers;         // "host:example.com\nx-amz-date:20150830T123600Z\n"
  std::string signed_headers;  // "host;x-amz-date"
};
StatusOr<CanonicalHeaderBlock> CanonicalHeaders(const http::HeaderList& headers,
                                                const std::vector<std::string>& signed_names);

// Everything a canonical request is made of, already in canonical form except the path.
struct CanonicalRequestInput {
  std::string_view method;
  std::string_view raw_path;  // as received, still percent-encoded
  std::vector<QueryParam> query;
  const http::HeaderList* headers = nullptr;
  std::vector<std::string> signed_headers;  // lowercase, strictly ascending
  std::string_view payload_hash;            // lowercase hex or "UNSIGNED-PAYLOAD"
  bool normalize_path = true;
};

// Builds the canonical request; fails only where CanonicalHeaders fails.
StatusOr<std::string> CanonicalRequest(const CanonicalRequestInput& input);

// "20150830/us-east-1/service/aws4_request". `date` is the YYYYMMDD part of the timestamp.
std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service);

// The string to sign for a canonical request; `amz_date` is "YYYYMMDDTHHMMSSZ".
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);

// The raw 32-byte signing key: HMAC chain "AWS4"+secret -> date -> region -> service ->
// "aws4_request". Secret material: never log or return it to a client.
std::string DeriveSigningKey(std::string_view secret, std::string_view date,
                             std::string_view region, std::string_view service);

// Lowercase hex HMAC-SHA256 of the string to sign under the signing key.
std::string SignatureHex(std::string_view signing_key, std::string_view string_to_sign);

}  // namespace chime::auth
