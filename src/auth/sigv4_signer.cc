#include "auth/sigv4_signer.h"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/sigv4_canonical.h"
#include "common/encoding.h"
#include "common/time_format.h"

namespace chime::auth {
namespace {

constexpr int64_t kMaxPresignExpiresS = 604800;

// Headers a proxy or HTTP library may add or rewrite after signing (botocore's blacklist).
bool IsUnsignable(std::string_view lower_name) {
  return lower_name == "authorization" || lower_name == "user-agent" || lower_name == "expect" ||
         lower_name == "x-amzn-trace-id";
}

std::string Lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// A field that becomes part of "Credential=AKID/date/region/service/aws4_request" must not
// contain the separators of that syntax.
bool IsScopeField(std::string_view s) {
  if (s.empty()) return false;
  return std::none_of(s.begin(), s.end(), [](char c) {
    return c == '/' || c == ',' || c == '=' || c == ' ' || static_cast<unsigned char>(c) < 0x20 ||
           c == 0x7f;
  });
}

void RemoveHeader(http::HeaderList& headers, std::string_view name) {
  std::erase_if(headers, [&](const auto& h) { return http::HeaderNameEquals(h.first, name); });
}

Status ValidateInputs(const Credentials& credentials, const SigningOptions& options,
                      const http::Request& request) {
  if (!IsScopeField(credentials.access_key_id) || !IsScopeField(options.region) ||
      !IsScopeField(options.service)) {
    return InvalidArgument(
        "access key id, region and service must be non-empty and free of "
        "'/', ',', '=', spaces and control characters");
  }
  if (credentials.session_token && HasLineBreakOrNul(*credentials.session_token)) {
    return InvalidArgument("session token contains a line break");
  }
  if (request.Header("host") == nullptr) return InvalidArgument("request has no Host header");
  return OkStatus();
}

// Lowercase, sorted, unique names of every header that gets signed.
std::vector<std::string> SignedHeaderNames(const http::HeaderList& headers,
                                           bool skip_session_token) {
  std::vector<std::string> names;
  for (const auto& [name, value] : headers) {
    std::string lower = Lowercase(name);
    if (IsUnsignable(lower)) continue;
    if (skip_session_token && lower == "x-amz-security-token") continue;
    names.push_back(std::move(lower));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

struct SignInput {
  const http::Request* request;
  std::vector<QueryParam> query;
  std::vector<std::string> signed_headers;
  std::string payload_hash;
  std::string amz_date;
};

StatusOr<SigningResult> Sign(const Credentials& credentials, const SigningOptions& options,
                             SignInput in) {
  CanonicalRequestInput cr{.method = in.request->method,
                           .raw_path = in.request->RawPath(),
                           .query = std::move(in.query),
                           .headers = &in.request->headers,
                           .signed_headers = std::move(in.signed_headers),
                           .payload_hash = in.payload_hash,
                           .normalize_path = options.normalize_path};
  SigningResult result;
  ASSIGN_OR_RETURN(result.canonical_request, CanonicalRequest(cr));
  std::string date = in.amz_date.substr(0, 8);
  result.string_to_sign =
      StringToSign(in.amz_date, CredentialScope(date, options.region, options.service),
                   result.canonical_request);
  result.signature = SignatureHex(
      DeriveSigningKey(credentials.secret_access_key, date, options.region, options.service),
      result.string_to_sign);
  return result;
}

std::string JoinSigned(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out.push_back(';');
    out += n;
  }
  return out;
}

bool IsAuthQueryParam(std::string_view name) {
  return name == "X-Amz-Algorithm" || name == "X-Amz-Credential" || name == "X-Amz-Date" ||
         name == "X-Amz-Expires" || name == "X-Amz-SignedHeaders" || name == "X-Amz-Signature" ||
         name == "X-Amz-Security-Token" || name == "X-Amz-Content-SHA256";
}

}  // namespace

StatusOr<SigningResult> SignRequest(const Credentials& credentials, const SigningOptions& options,
                                    http::Request* request) {
  RETURN_IF_ERROR(ValidateInputs(credentials, options, *request));
  ASSIGN_OR_RETURN(std::vector<QueryParam> query, ParseQuery(request->RawQuery()));
  http::HeaderList& headers = request->headers;
  for (std::string_view name :
       {"Authorization", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-SHA256"}) {
    RemoveHeader(headers, name);
  }
  std::string amz_date = FormatAmzDate(options.time_ms);
  std::string payload_hash = Sha256Hex(request->body);
  if (credentials.session_token) {
    headers.emplace_back("X-Amz-Security-Token", *credentials.session_token);
  }
  headers.emplace_back("X-Amz-Date", amz_date);
  if (options.add_content_sha256_header) headers.emplace_back("X-Amz-Content-SHA256", payload_hash);

  std::vector<std::string> names = SignedHeaderNames(headers, !options.sign_session_token);
  std::string signed_line = JoinSigned(names);
  ASSIGN_OR_RETURN(SigningResult result,
                   Sign(credentials, options,
                        {request, std::move(query), std::move(names), payload_hash, amz_date}));
  headers.emplace_back("Authorization",
                       std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + "/" +
                           CredentialScope(amz_date.substr(0, 8), options.region, options.service) +
                           ", SignedHeaders=" + signed_line + ", Signature=" + result.signature);
  return result;
}

StatusOr<SigningResult> PresignRequest(const Credentials& credentials,
                                       const SigningOptions& options, const PresignOptions& presign,
                                       http::Request* request) {
  RETURN_IF_ERROR(ValidateInputs(credentials, options, *request));
  if (presign.expires_s < 1 || presign.expires_s > kMaxPresignExpiresS) {
    return InvalidArgument("expires_s must be between 1 and 604800");
  }
  ASSIGN_OR_RETURN(std::vector<QueryParam> query, ParseQuery(request->RawQuery()));
  for (const QueryParam& p : query) {
    if (IsAuthQueryParam(p.name)) return InvalidArgument("request is already signed");
  }
  http::HeaderList& headers = request->headers;
  for (std::string_view name : {"Authorization", "X-Amz-Date", "X-Amz-Security-Token"}) {
    RemoveHeader(headers, name);
  }
  std::string amz_date = FormatAmzDate(options.time_ms);
  std::vector<std::string> names = SignedHeaderNames(headers, /*skip_session_token=*/true);

  // Appended in the order the AWS suite's presigned requests use.
  std::vector<QueryParam> added = {
      {"X-Amz-Algorithm", std::string(kAlgorithm)},
      {"X-Amz-Credential",
       credentials.access_key_id + "/" +
           CredentialScope(amz_date.substr(0, 8), options.region, options.service)},
      {"X-Amz-Date", amz_date},
      {"X-Amz-SignedHeaders", JoinSigned(names)},
      {"X-Amz-Expires", std::to_string(presign.expires_s)},
  };
  if (presign.unsigned_payload) {
    added.push_back({"X-Amz-Content-SHA256", std::string(kUnsignedPayload)});
  }
  std::vector<QueryParam> to_sign = query;
  to_sign.insert(to_sign.end(), added.begin(), added.end());
  if (credentials.session_token) {
    added.push_back({"X-Amz-Security-Token", *credentials.session_token});
    if (options.sign_session_token) to_sign.push_back(added.back());
  }
  std::string payload_hash =
      presign.unsigned_payload ? std::string(kUnsignedPayload) : Sha256Hex(request->body);
  ASSIGN_OR_RETURN(SigningResult result,
                   Sign(credentials, options,
                        {request, std::move(to_sign), std::move(names), payload_hash, amz_date}));
  added.push_back({"X-Amz-Signature", result.signature});

  std::string& target = request->target;
  if (target.find('?') == std::string::npos) {
    target.push_back('?');
  } else if (!request->RawQuery().empty()) {
    target.push_back('&');
  }
  for (size_t i = 0; i < added.size(); ++i) {
    if (i > 0) target.push_back('&');
    target += UriEncode(added[i].name) + "=" + UriEncode(added[i].value);
  }
  return result;
}

}  // namespace chime::auth
