// Server-side enforcement of the model's constraints. botocore validates almost nothing, so
// every pattern, length, range and enum is checked here; each failure is a kInvalidArgument
// whose message names the wire field ("Name", "MaxResults", ...).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace chime::model {

// NonEmptyString: pattern .*\S.* (at least one non-space character, no line breaks).
bool IsNonEmptyString(std::string_view s);
// EmailAddress: pattern .+@.+\..+
bool IsEmailAddress(std::string_view s);
// E164PhoneNumber: pattern ^\+?[1-9]\d{1,14}$
bool IsE164PhoneNumber(std::string_view s);

Status RequireNonEmpty(std::string_view field, std::string_view value);
Status ValidateAccountName(std::string_view field, std::string_view name);  // 1..100, non-blank
Status ValidateEmail(std::string_view field, std::string_view email);
// MaxResults from a query string: an integer in [1, 200]; absent means 100.
StatusOr<int> ParseMaxResults(const std::optional<std::string>& text);

}  // namespace chime::model
