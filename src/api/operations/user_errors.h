// UserErrors, the per-item result of BatchUpdateUser, BatchSuspendUser and BatchUnsuspendUser:
// an item that cannot be applied is reported here (and changes nothing) while the valid items
// of the same request are applied.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace chime::api {

struct UserError {
  std::string user_id;
  std::string error_code;  // the model's ErrorCode enum: "NotFound", "BadRequest", ...
  std::string error_message;
};

// A per-item failure as a UserError (ErrorCode from the status code, as the error mapping
// spells it).
UserError ToUserError(const std::string& user_id, const Status& status);

// {"UserErrors": [...]}; the list is always present, empty when every item applied.
std::string RenderUserErrors(const std::vector<UserError>& errors);

// Whether `status` is a per-item failure (the item is reported and skipped) rather than a
// failure of the whole request (the store could not serve: the request fails and nothing is
// applied).
bool IsItemFailure(const Status& status);

}  // namespace chime::api
