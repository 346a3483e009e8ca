// Input helpers shared by the operation handlers: path labels and query members, validated
// with messages that name the model's member.
#pragma once

#include <optional>
#include <string>

#include "api/call.h"
#include "common/status.h"

namespace chime::api {

// Path label i, required non-blank (pattern .*\S.*), named `member` in errors.
StatusOr<std::string> Label(const Call& call, size_t i, const char* member);
inline StatusOr<std::string> AccountIdLabel(const Call& call) { return Label(call, 0, "AccountId"); }
inline StatusOr<std::string> UserIdLabel(const Call& call) { return Label(call, 1, "UserId"); }

// A query member by its wire name; a repeated member is an error.
StatusOr<std::optional<std::string>> QueryMember(const Call& call, const char* wire_name);

}  // namespace chime::api
