// The errors both stores' Tx implementations return, in one place so that a client sees the same
// words whichever engine serves it.
#pragma once

#include <string>

#include "common/status.h"

namespace chime::store {

Status AccountNotFound(const std::string& account_id);
Status UserNotFound(const std::string& account_id, const std::string& user_id);
// Says neither which PIN nor whether it is current or retired: both are nobody else's business.
Status PinInUse();
// kInvalidArgument unless 1 <= limit.
Status CheckLimit(int limit);

}  // namespace chime::store
