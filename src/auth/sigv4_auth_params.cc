#include "auth/sigv4_auth_params.h"

#include <array>
#include <utility>

#include "common/time_format.h"

namespace chime::auth {
namespace {

constexpr std::string_view kCredentialFormat =
    "expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".";

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
}

// The single value of a header that must not be repeated; nullopt when absent.
StatusOr<std::optional<std::string>> SingleHeader(const http::Request& request,
                                                  std::string_view name) {
  const std::string* found = nullptr;
  for (const auto& [header_name, value] : request.headers) {
    if (!http::HeaderNameEquals(header_name, name)) continue;
    if (found) return Unauthenticated("Multiple values for header '" + std::string(name) + "'.");
    found = &value;
  }
  if (!found) return std::optional<std::string>();
  return std::optional<std::string>(*found);
}

// The single value of a query parameter (names are case-sensitive); nullopt when absent.
StatusOr<std::optional<std::string>> SingleParam(const std::vector<QueryParam>& query,
                                                 std::string_view name) {
  const std::string* found = nullptr;
  for (const QueryParam& p : query) {
    if (p.name != name) continue;
    if (found)
      return Unauthenticated("Multiple values for query parameter '" + std::string(name) + "'.");
    found = &p.value;
  }
  if (!found) return std::optional<std::string>();
  return std::optional<std::string>(*found);
}

bool HasParam(const std::vector<QueryParam>& query, std::string_view name) {
  for (const QueryParam& p : query) {
    if (p.name == name) return true;
  }
  return false;
}

// Splits "AKID/YYYYMMDD/region/service/aws4_request" into `params`.
Status ParseCredential(std::string_view credential, std::string_view malformed_prefix,
                       AuthParams& params) {
  // Split in place into exactly five parts (no vector: this runs for every request).
  std::array<std::string_view, 5> parts;
  size_t count = 0;
  for (size_t start = 0;; ++count) {
    size_t end = credential.find('/', start);
    if (count < parts.size()) parts[count] = credential.substr(start, end - start);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  bool ok = count + 1 == parts.size() && parts[1].size() == 8;
  for (std::string_view part : parts) ok = ok && !part.empty();
  // AWS access key ids are 16 to 128 characters; the bound keeps cache keys and lookups small.
  ok = ok && parts[0].size() <= 128;
  if (!ok) return Unauthenticated(std::string(malformed_prefix) + std::string(kCredentialFormat));
  params.access_key_id = parts[0];
  params.scope_date = parts[1];
  params.region = parts[2];
  params.service = parts[3];
  params.terminator = parts[4];
  return OkStatus();
}

void ParseSignedHeaders(std::string_view value, AuthParams& params) {
  if (value.empty()) return;
  for (size_t start = 0;;) {
    size_t end = value.find(';', start);
    params.signed_headers.emplace_back(value.substr(start, end - start));
    if (end == std::string_view::npos) return;
    start = end + 1;
  }
}

// Validates a "YYYYMMDDTHHMMSSZ" timestamp strictly (a round trip rejects Feb 31 and leap
// seconds, whose meaning differs between implementations).
Status SetAmzDate(std::string_view amz_date, AuthParams& params) {
  std::optional<int64_t> ms = ParseAmzDate(amz_date);
  if (!ms || FormatAmzDate(*ms) != amz_date) {
    return Unauthenticated(
        "X-Amz-Date must be in ISO-8601 basic format, YYYYMMDD'T'HHMMSS'Z', got '" +
        QuoteSafe(amz_date) + "'.");
  }
  params.amz_date = std::string(amz_date);
  params.time_ms = *ms;
  return OkStatus();
}

Status ParseHeaderAuth(const http::Request& request, std::string_view authorization,
                       AuthParams& params) {
  std::string_view value = TrimOws(authorization);
  if (value.substr(0, kAlgorithm.size()) != kAlgorithm ||
      (value.size() > kAlgorithm.size() && value[kAlgorithm.size()] != ' ')) {
    return Unauthenticated("Unsupported authorization type; only AWS4-HMAC-SHA256 is accepted.");
  }
  value.remove_prefix(kAlgorithm.size());
  std::optional<std::string_view> credential, signed_headers, signature;
  if (!TrimOws(value).empty()) {
    for (std::string_view component : Split(value, ',')) {
      component = TrimOws(component);
      size_t eq = component.find('=');
      std::string_view key = component.substr(0, eq);
      std::optional<std::string_view>* slot = key == "Credential"      ? &credential
                                              : key == "SignedHeaders" ? &signed_headers
                                              : key == "Signature"     ? &signature
                                                                       : nullptr;
      if (eq == std::string_view::npos || slot == nullptr || slot->has_value()) {
        return Unauthenticated(
            "Authorization header is malformed; expecting 'Credential=..., SignedHeaders=..., "
            "Signature=...' with each parameter once.");
      }
      *slot = component.substr(eq + 1);
    }
  }
  std::string missing;
  if (!credential) missing += "Authorization header requires 'Credential' parameter. ";
  if (!signature) missing += "Authorization header requires 'Signature' parameter. ";
  if (!signed_headers) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  ASSIGN_OR_RETURN(std::optional<std::string> amz_date, SingleHeader(request, "X-Amz-Date"));
  ASSIGN_OR_RETURN(std::optional<std::string> date, SingleHeader(request, "Date"));
  if (!amz_date && !date) {
    missing +=
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
        "header. ";
  }
  if (!missing.empty()) {
    missing.pop_back();
    return Unauthenticated(missing);
  }
  RETURN_IF_ERROR(ParseCredential(
      *credential, "Authorization header is malformed; the Credential is mal-formed; ", params));
  ParseSignedHeaders(*signed_headers, params);
  params.signature = std::string(*signature);
  if (amz_date) return SetAmzDate(*amz_date, params);
  // AWS accepts the HTTP Date header when X-Amz-Date is absent; the string to sign then
  // carries the same instant in ISO-8601 basic format.
  std::optional<int64_t> ms = ParseImfFixdate(*date);
  if (!ms)
    return Unauthenticated(
        "The Date header must be an HTTP date such as 'Sun, 30 Aug 2015 12:36:00 GMT'.");
  return SetAmzDate(FormatAmzDate(*ms), params);
}

Status ParseQueryAuth(AuthParams& params) {
  params.presigned = true;
  constexpr std::array<std::string_view, 6> kRequired = {"X-Amz-Algorithm", "X-Amz-Credential",
                                                         "X-Amz-Signature", "X-Amz-Date",
                                                         "X-Amz-Expires",   "X-Amz-SignedHeaders"};
  std::array<std::optional<std::string>, kRequired.size()> values;
  std::string missing;
  for (size_t i = 0; i < kRequired.size(); ++i) {
    ASSIGN_OR_RETURN(values[i], SingleParam(params.query, kRequired[i]));
    if (!values[i])
      missing += "AWS query-string parameters must include '" + std::string(kRequired[i]) + "'. ";
  }
  if (!missing.empty()) return Unauthenticated(missing + "Re-examine the query-string parameters.");
  const auto& [algorithm, credential, signature, amz_date, expires, signed_headers] = values;
  if (*algorithm != kAlgorithm) {
    return Unauthenticated("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\".");
  }
  RETURN_IF_ERROR(ParseCredential(*credential, "X-Amz-Credential is mal-formed; ", params));
  params.signature = *signature;
  RETURN_IF_ERROR(SetAmzDate(*amz_date, params));
  // At most 7 digits: enough to report "too large" precisely, too few to overflow.
  bool numeric = !expires->empty() && expires->size() <= 7;
  for (char c : *expires) numeric = numeric && c >= '0' && c <= '9';
  if (!numeric) return Unauthenticated("X-Amz-Expires should be a number no larger than 604800.");
  params.expires_s = 0;
  for (char c : *expires) params.expires_s = params.expires_s * 10 + (c - '0');
  ParseSignedHeaders(*signed_headers, params);
  return OkStatus();
}

// X-Amz-Security-Token and X-Amz-Content-SHA256 may each come in a header or, for the token in
// either mode and for the payload hash on presigned URLs, in the query; never in both.
Status ParseOptionalParams(const http::Request& request, AuthParams& params) {
  ASSIGN_OR_RETURN(std::optional<std::string> header_token,
                   SingleHeader(request, "X-Amz-Security-Token"));
  ASSIGN_OR_RETURN(std::optional<std::string> query_token,
                   SingleParam(params.query, "X-Amz-Security-Token"));
  if (header_token && query_token) {
    return Unauthenticated(
        "X-Amz-Security-Token must be sent either as a header or in the query, not both.");
  }
  params.session_token = header_token ? header_token : query_token;
  params.session_token_in_query = query_token.has_value();

  ASSIGN_OR_RETURN(params.content_sha256, SingleHeader(request, "X-Amz-Content-SHA256"));
  if (params.presigned) {
    ASSIGN_OR_RETURN(std::optional<std::string> query_hash,
                     SingleParam(params.query, "X-Amz-Content-SHA256"));
    if (query_hash && params.content_sha256) {
      return Unauthenticated(
          "X-Amz-Content-SHA256 must be sent either as a header or in the query, not both.");
    }
    if (query_hash) params.content_sha256 = std::move(query_hash);
  }
  return OkStatus();
}

}  // namespace

std::string QuoteSafe(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 64)) out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  if (s.size() > 64) out += "...";
  return out;
}

std::optional<int64_t> ParseImfFixdate(std::string_view s) {
  // "Sun, 30 Aug 2015 12:36:00 GMT"
  if (s.size() != 29 || s.substr(3, 2) != ", " || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
      s[19] != ':' || s[22] != ':' || s.substr(25) != " GMT") {
    return std::nullopt;
  }
  constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  size_t month = kMonths.find(s.substr(8, 3));
  if (month == std::string_view::npos || month % 3 != 0) return std::nullopt;
  std::string amz;
  amz.append(s.substr(12, 4));
  int m = static_cast<int>(month / 3) + 1;
  amz.push_back(static_cast<char>('0' + m / 10));
  amz.push_back(static_cast<char>('0' + m % 10));
  amz.append(s.substr(5, 2)).append("T");
  amz.append(s.substr(17, 2)).append(s.substr(20, 2)).append(s.substr(23, 2)).append("Z");
  std::optional<int64_t> ms = ParseAmzDate(amz);
  if (!ms || FormatAmzDate(*ms) != amz) return std::nullopt;
  return ms;
}

StatusOr<AuthParams> ParseAuthParams(const http::Request& request) {
  AuthParams params;
  StatusOr<std::vector<QueryParam>> query = ParseQuery(request.RawQuery());
  if (!query.ok()) return Unauthenticated(query.status().message());
  params.query = std::move(query).value();

  ASSIGN_OR_RETURN(std::optional<std::string> authorization,
                   SingleHeader(request, "Authorization"));
  bool query_auth = HasParam(params.query, "X-Amz-Algorithm") ||
                    HasParam(params.query, "X-Amz-Credential") ||
                    HasParam(params.query, "X-Amz-Signature");
  if (authorization && query_auth) {
    return Unauthenticated(
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature "
        "query string parameter or the Authorization header should be specified.");
  }
  if (authorization) {
    RETURN_IF_ERROR(ParseHeaderAuth(request, *authorization, params));
  } else if (query_auth) {
    RETURN_IF_ERROR(ParseQueryAuth(params));
  } else {
    return Unauthenticated("Missing Authentication Token");
  }
  RETURN_IF_ERROR(ParseOptionalParams(request, params));
  return params;
}

}  // namespace chime::auth
