// Timestamp formats on the wire.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chime {

// "2018-12-20T18:45:25.231Z": what Chime returns for RegisteredOn, CreatedTimestamp, ...
std::string FormatIso8601Ms(int64_t epoch_ms);
// "Sat, 28 Nov 2026 23:22:22 GMT": the HTTP Date header (RFC 9110 IMF-fixdate).
std::string FormatHttpDate(int64_t epoch_ms);
// "20261128T232222Z": SigV4's X-Amz-Date.
std::string FormatAmzDate(int64_t epoch_ms);
// Parses "YYYYMMDDTHHMMSSZ" to epoch ms; nullopt when malformed.
std::optional<int64_t> ParseAmzDate(std::string_view s);

}  // namespace chime
