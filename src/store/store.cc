#include "store/store.h"

#include <future>

#include "model/lifecycle.h"
#include "model/pin.h"

namespace chime::store {

StatusOr<model::User> Tx::ResetPin(const PinResetAudit& audit, RandomSource& random,
                                   int max_attempts) {
  RETURN_IF_ERROR(GetAccount(audit.account_id).status());
  ASSIGN_OR_RETURN(model::User user, GetUser(audit.account_id, audit.user_id));
  RETURN_IF_ERROR(model::CheckPinReset(user));
  const std::string previous = user.personal_pin;
  ASSIGN_OR_RETURN(user.personal_pin,
                   model::AllocatePin(
                       random, [this](const std::string& pin) { return PinTaken(pin); },
                       previous, max_attempts));
  RETURN_IF_ERROR(RetirePin(previous, audit.at_ms));
  RETURN_IF_ERROR(UpdateUser(user));
  RETURN_IF_ERROR(InsertPinResetAudit(audit));
  return user;
}

Status Store::WriteAndWait(TxFn fn) {
  std::promise<Status> promise;
  auto result = promise.get_future();
  Write(std::move(fn), [&promise](Status s) { promise.set_value(std::move(s)); });
  return result.get();
}

}  // namespace chime::store
