// Byte/text encodings used across chimed: hex, base64url, percent-encoding (RFC 3986).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace chime {

std::string HexEncode(std::string_view bytes);  // lowercase
std::optional<std::string> HexDecode(std::string_view hex);

std::string Base64UrlEncode(std::string_view bytes);  // no padding
std::optional<std::string> Base64UrlDecode(std::string_view text);

// Percent-encodes every byte outside the RFC 3986 unreserved set (A-Z a-z 0-9 - _ . ~),
// uppercase hex; keeps '/' when `keep_slash`.
std::string UriEncode(std::string_view s, bool keep_slash = false);

// Decodes %XX escapes. '+' is left as '+' (paths and SigV4 queries do not use form encoding).
// Returns nullopt for a malformed escape.
std::optional<std::string> PercentDecode(std::string_view s);

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool IsValidUtf8(std::string_view s);
// `s` with every ill-formed UTF-8 sequence replaced by U+FFFD, so it can go into JSON.
std::string SanitizeUtf8(std::string_view s);

}  // namespace chime
