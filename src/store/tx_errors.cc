#include "store/tx_errors.h"

namespace chime::store {

Status AccountNotFound(const std::string& account_id) {
  return NotFound("The account " + account_id + " does not exist.");
}

Status UserNotFound(const std::string& account_id, const std::string& user_id) {
  return NotFound("The user " + user_id + " does not exist in account " + account_id + ".");
}

Status PinInUse() { return Conflict("PIN already in use."); }

Status CheckLimit(int limit) {
  if (limit < 1) return InvalidArgument("The page size must be at least 1.");
  return OkStatus();
}

}  // namespace chime::store
