#include "auth/sigv4_verifier.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <utility>

#include "auth/sigv4_auth_params.h"
#include "auth/sigv4_canonical.h"
#include "common/encoding.h"
#include "common/time_format.h"

namespace chime::auth {
namespace {

// One message for an unknown access key and for a wrong signature, so that a caller cannot
// tell which of the two it hit.
constexpr std::string_view kSignatureMismatch =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method.";
constexpr std::string_view kInvalidToken = "The security token included in the request is invalid.";
// Used in place of the secret of an unknown access key; as long as a typical secret so the HMAC
// chain costs the same. Its value grants nothing: an unknown key is refused even on a match.
constexpr std::string_view kDummySecret = "chimed/dummy/secret/for/unknown/keys/000";

// Constant-time equality of two strings of possibly different length: comparing digests keeps
// the time independent of where (or whether) the contents differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  std::string da = Sha256(a), db = Sha256(b);
  return CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0 && a.size() == b.size();
}

bool SignatureMatches(std::string_view provided, std::string_view computed) {
  if (provided.size() != computed.size()) return false;
  return CRYPTO_memcmp(provided.data(), computed.data(), computed.size()) == 0;
}

// Whether the request's token (if any) is the one the key requires (if any).
bool SessionTokenMatches(const KeyMaterial& key, const std::optional<std::string>& provided) {
  if (key.session_token) {
    return provided && ConstantTimeEquals(*provided, *key.session_token);
  }
  if (key.session_token_sha256) {
    return provided && ConstantTimeEquals(Sha256Hex(*provided), *key.session_token_sha256);
  }
  return !provided;
}

std::string DescribeSkew(int64_t ms) {
  if (ms % 60000 == 0) return std::to_string(ms / 60000) + " min.";
  return std::to_string(ms / 1000) + " s.";
}

Status CheckScope(const AuthParams& p, const VerifierOptions& options) {
  if (p.terminator != kScopeTerminator) {
    return Unauthenticated(
        "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
        QuoteSafe(p.terminator) + "'.");
  }
  if (p.service != options.service) {
    return Unauthenticated("Credential should be scoped to correct service: '" + options.service +
                           "'.");
  }
  if (std::find(options.regions.begin(), options.regions.end(), p.region) ==
      options.regions.end()) {
    return Unauthenticated("Credential should be scoped to a valid region, not '" +
                           QuoteSafe(p.region) + "'.");
  }
  if (p.scope_date != std::string_view(p.amz_date).substr(0, 8)) {
    return Unauthenticated(
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
        "HTTP: '" +
        QuoteSafe(p.scope_date) + "' != '" + p.amz_date.substr(0, 8) + "', from '" + p.amz_date +
        "'.");
  }
  return OkStatus();
}

Status CheckTime(const AuthParams& p, const VerifierOptions& options, int64_t now_ms) {
  const int64_t skew = options.max_skew_ms;
  if (p.time_ms > now_ms + skew) {
    return Unauthenticated("Signature not yet current: " + p.amz_date + " is still later than " +
                           FormatAmzDate(now_ms + skew) + " (" + FormatAmzDate(now_ms) + " + " +
                           DescribeSkew(skew) + ")");
  }
  if (!p.presigned) {
    if (p.time_ms < now_ms - skew) {
      return Unauthenticated("Signature expired: " + p.amz_date + " is now earlier than " +
                             FormatAmzDate(now_ms - skew) + " (" + FormatAmzDate(now_ms) + " - " +
                             DescribeSkew(skew) + ")");
    }
    return OkStatus();
  }
  if (p.expires_s > options.max_presign_expires_s) {
    return Unauthenticated("X-Amz-Expires must be less than a week (in seconds) that is " +
                           std::to_string(options.max_presign_expires_s) + ".");
  }
  if (now_ms > p.time_ms + p.expires_s * 1000) {
    return Unauthenticated("Request has expired: " + p.amz_date + " + " +
                           std::to_string(p.expires_s) + " s is earlier than " +
                           FormatAmzDate(now_ms) + ".");
  }
  return OkStatus();
}

// The payload hash the client must have signed.
StatusOr<std::string> PayloadHash(const AuthParams& p, const http::Request& request) {
  // Most requests (every GET) have no body, and the hash of nothing is a constant.
  std::string real =
      request.body.empty() ? std::string(kEmptyPayloadSha256) : Sha256Hex(request.body);
  if (!p.content_sha256) return real;
  if (*p.content_sha256 == kUnsignedPayload) {
    if (p.presigned) return std::string(kUnsignedPayload);
    return Unauthenticated("UNSIGNED-PAYLOAD is only accepted on presigned URLs.");
  }
  if (*p.content_sha256 != real) {
    return Unauthenticated(
        "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  return real;
}

// The canonical requests the signature may cover. A presigned URL's session token may have been
// appended after signing (the AWS suite's post-sts-header-after case), so with a token in the
// query both readings are candidates; everything else has exactly one. Takes the query and
// the signed header names out of `p` (moved, not copied: this runs for every request).
StatusOr<std::vector<std::string>> CanonicalCandidates(AuthParams& p,
                                                       const http::Request& request,
                                                       std::string_view payload_hash,
                                                       bool normalize_path) {
  CanonicalRequestInput input{.method = request.method,
                              .raw_path = request.RawPath(),
                              .query = std::move(p.query),
                              .headers = &request.headers,
                              .signed_headers = std::move(p.signed_headers),
                              .payload_hash = payload_hash,
                              .normalize_path = normalize_path};
  if (p.presigned) {
    std::erase_if(input.query, [](const QueryParam& q) { return q.name == "X-Amz-Signature"; });
  }
  std::vector<std::string> out;
  auto add = [&]() -> Status {
    StatusOr<std::string> canonical = CanonicalRequest(input);
    if (!canonical.ok()) return Unauthenticated(canonical.status().message());
    out.push_back(std::move(canonical).value());
    return OkStatus();
  };
  RETURN_IF_ERROR(add());
  if (p.presigned && p.session_token_in_query) {
    std::erase_if(input.query,
                  [](const QueryParam& q) { return q.name == "X-Amz-Security-Token"; });
    RETURN_IF_ERROR(add());
  }
  return out;
}

}  // namespace

SigV4Verifier::SigV4Verifier(VerifierOptions options, const Clock& clock, KeyLookup lookup)
    : options_(std::move(options)),
      clock_(clock),
      lookup_(std::move(lookup)),
      key_cache_(options_.signing_key_cache_capacity) {}

StatusOr<VerifiedCaller> SigV4Verifier::Verify(const http::Request& request) const {
  return Verify(request, lookup_);
}

StatusOr<VerifiedCaller> SigV4Verifier::Verify(const http::Request& request,
                                               const KeyLookup& lookup) const {
  for (const auto& [name, value] : request.headers) {
    if (HasLineBreakOrNul(value)) {
      return Unauthenticated("Header values must not contain line breaks (obsolete line folding).");
    }
  }
  ASSIGN_OR_RETURN(AuthParams p, ParseAuthParams(request));
  RETURN_IF_ERROR(CheckScope(p, options_));
  RETURN_IF_ERROR(CheckTime(p, options_, clock_.NowMs()));
  if (std::find(p.signed_headers.begin(), p.signed_headers.end(), "host") ==
      p.signed_headers.end()) {
    return Unauthenticated("'Host' must be a signed header.");
  }
  ASSIGN_OR_RETURN(std::string payload_hash, PayloadHash(p, request));
  ASSIGN_OR_RETURN(std::vector<std::string> candidates,
                   CanonicalCandidates(p, request, payload_hash, options_.normalize_path));

  std::optional<KeyMaterial> key;
  try {
    if (lookup) key = lookup(p.access_key_id);
  } catch (...) {
    return Internal("Credential lookup failed.");
  }
  const bool known = key.has_value();
  std::shared_ptr<const HmacSha256Key> signing_key = key_cache_.Get(
      p.access_key_id, known ? key->secret : kDummySecret, p.scope_date, p.region, p.service);
  const std::string scope = CredentialScope(p.scope_date, p.region, p.service);
  bool matches = false;
  for (const std::string& canonical : candidates) {
    std::string computed =
        HexEncode(signing_key->Mac(StringToSign(p.amz_date, scope, canonical)));
    matches = SignatureMatches(p.signature, computed) || matches;
  }
  if (!known || !matches) return Unauthenticated(std::string(kSignatureMismatch));

  // Only reached with a valid signature, i.e. by someone holding the secret, so a distinct
  // message here reveals nothing about which keys exist.
  if (!SessionTokenMatches(*key, p.session_token)) {
    return Unauthenticated(std::string(kInvalidToken));
  }
  return VerifiedCaller{.access_key_id = p.access_key_id, .presigned = p.presigned};
}

}  // namespace chime::auth
