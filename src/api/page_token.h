// NextToken for keyset pagination. Opaque to clients; it carries the kind of listing and the
// last sequence number returned, so a token from ListUsers is refused by ListAccounts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace chime::api {

std::string EncodePageToken(std::string_view kind, int64_t after_seq);
// kInvalidArgument ("NextToken is not valid for this request.") when malformed or foreign.
StatusOr<int64_t> DecodePageToken(std::string_view kind, std::string_view token);

}  // namespace chime::api
