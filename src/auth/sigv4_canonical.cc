#include "auth/sigv4_canonical.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "common/encoding.h"

namespace chime::auth {
namespace {

bool IsLowerTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsLowerToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsLowerTokenChar);
}

}  // namespace

std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }

std::string HmacSha256(std::string_view key, std::string_view data) {
  return HmacSha256Key(key).Mac(data);
}

std::string NormalizePath(std::string_view raw_path) {
  if (raw_path.empty()) return "/";
  // Built in place (a ".." drops the last segment written) rather than through a vector of
  // segments: this runs for every request.
  std::string out;
  out.reserve(raw_path.size());
  if (raw_path.front() == '/') out.push_back('/');
  const size_t prefix = out.size();
  size_t segments = 0;
  size_t start = 0;
  while (start <= raw_path.size()) {
    size_t end = raw_path.find('/', start);
    if (end == std::string_view::npos) end = raw_path.size();
    std::string_view seg = raw_path.substr(start, end - start);
    if (seg == "..") {
      if (segments > 0) {
        size_t slash = out.rfind('/');
        out.resize(slash != std::string::npos && slash >= prefix ? slash : prefix);
        --segments;
      }
    } else if (!seg.empty() && seg != ".") {
      if (segments > 0) out.push_back('/');
      out.append(seg);
      ++segments;
    }
    start = end + 1;
  }
  if (raw_path.back() == '/' && segments > 0) out.push_back('/');
  return out;
}

std::string CanonicalUri(std::string_view raw_path, bool normalize) {
  std::string path = normalize ? NormalizePath(raw_path) : std::string(raw_path);
  if (path.empty()) path = "/";
  return UriEncode(path, /*keep_slash=*/true);
}

StatusOr<std::vector<QueryParam>> ParseQuery(std::string_view raw_query) {
  std::vector<QueryParam> params;
  size_t start = 0;
  while (start <= raw_query.size()) {
    size_t end = raw_query.find('&', start);
    if (end == std::string_view::npos) end = raw_query.size();
    std::string_view pair = raw_query.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    std::optional<std::string> dn = PercentDecode(name);
    std::optional<std::string> dv = PercentDecode(value);
    if (!dn || !dv) return InvalidArgument("The query string contains a malformed percent escape.");
    params.push_back({std::move(*dn), std::move(*dv)});
  }
  return params;
}

std::string CanonicalQueryString(const std::vector<QueryParam>& params) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  for (const QueryParam& p : params) encoded.emplace_back(UriEncode(p.name), UriEncode(p.value));
  // Sorting the (name, value) pairs, not the joined "name=value" strings, matters: "Param" must
  // sort before "Param-3" although '-' < '='.
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out.append(name).append("=").append(value);
  }
  return out;
}

namespace {

// Appends `value` trimmed, with inner runs of spaces and tabs collapsed to one space; appending
// into the block being built saves a string per header on every request.
void AppendCanonicalHeaderValue(std::string& out, std::string_view value) {
  const size_t start = out.size();
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      pending_space = out.size() > start;
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
}

}  // namespace

std::string CanonicalHeaderValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  AppendCanonicalHeaderValue(out, value);
  return out;
}

bool HasLineBreakOrNul(std::string_view value) {
  // Three memchr scans: find_first_of with a three-byte set calls memchr once per byte of the
  // value, which the profile showed for every header of every request.
  auto has = [&](char c) { return std::memchr(value.data(), c, value.size()) != nullptr; };
  return !value.empty() && (has('\r') || has('\n') || has('\0'));
}

StatusOr<CanonicalHeaderBlock> CanonicalHeaders(const http::HeaderList& headers,
                                                const std::vector<std::string>& signed_names) {
  CanonicalHeaderBlock block;
  block.headers.reserve(256);
  for (size_t i = 0; i < signed_names.size(); ++i) {
    const std::string& name = signed_names[i];
    if (!IsLowerToken(name) || (i > 0 && !(signed_names[i - 1] < name))) {
      return InvalidArgument(
          "SignedHeaders must list lowercase header names, sorted and without duplicates.");
    }
    block.headers.append(name).push_back(':');
    bool found = false;
    for (const auto& [header_name, header_value] : headers) {
      if (!http::HeaderNameEquals(header_name, name)) continue;
      if (HasLineBreakOrNul(header_value)) {
        return InvalidArgument(
            "Header values must not contain line breaks (obsolete line folding).");
      }
      if (found) block.headers.push_back(',');
      found = true;
      AppendCanonicalHeaderValue(block.headers, header_value);
    }
    if (!found) {
      return InvalidArgument("The header '" + name.substr(0, 64) +
                             "' is listed in SignedHeaders but missing from the request.");
    }
    block.headers.push_back('\n');
    if (i > 0) block.signed_headers.push_back(';');
    block.signed_headers += name;
  }
  return block;
}

StatusOr<std::string> CanonicalRequest(const CanonicalRequestInput& input) {
  static const http::HeaderList kNoHeaders;
  ASSIGN_OR_RETURN(
      CanonicalHeaderBlock block,
      CanonicalHeaders(input.headers ? *input.headers : kNoHeaders, input.signed_headers));
  std::string out;
  out.reserve(input.raw_path.size() * 2 + block.headers.size() + block.signed_headers.size() +
              input.payload_hash.size() + 64);
  out.append(input.method).append("\n");
  out.append(CanonicalUri(input.raw_path, input.normalize_path)).append("\n");
  out.append(CanonicalQueryString(input.query)).append("\n");
  out.append(block.headers).append("\n");
  out.append(block.signed_headers).append("\n");
  out.append(input.payload_hash);
  return out;
}

std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service) {
  std::string out;
  out.reserve(date.size() + region.size() + service.size() + kScopeTerminator.size() + 3);
  out.append(date).append("/").append(region).append("/").append(service).append("/");
  out.append(kScopeTerminator);
  return out;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  std::string out;
  out.reserve(kAlgorithm.size() + amz_date.size() + scope.size() + 3 + 64);
  out.append(kAlgorithm).append("\n").append(amz_date).append("\n").append(scope).append("\n");
  out.append(Sha256Hex(canonical_request));
  return out;
}

std::string DeriveSigningKey(std::string_view secret, std::string_view date,
                             std::string_view region, std::string_view service) {
  std::string k_secret = "AWS4";
  k_secret.append(secret);
  std::string k = HmacSha256(k_secret, date);
  OPENSSL_cleanse(k_secret.data(), k_secret.size());
  k = HmacSha256(k, region);
  k = HmacSha256(k, service);
  return HmacSha256(k, kScopeTerminator);
}

std::string SignatureHex(std::string_view signing_key, std::string_view string_to_sign) {
  return HexEncode(HmacSha256(signing_key, string_to_sign));
}

}  // namespace chime::auth
