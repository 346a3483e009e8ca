// ResetPersonalPIN: POST /accounts/{accountId}/users/{userId}?operation=reset-personal-pin
// → 200 {"User": ...} with the new PersonalPIN.
//
// Semantics (docs/pins.md):
// - The new PIN is unique across the deployment, never the previous PIN, never a retired one.
//   The previous PIN is retired forever.
// - Registered and Suspended users: reset. Rotating a suspended user's PIN is always safe and
//   is what an administrator wants when the PIN may have leaked.
// - Unregistered (invited) users have no PIN yet: BadRequestException, since a PIN is assigned
//   at registration. So does an invitee suspended before it registered (model::CheckPinReset).
// - The answer is sent only after the transaction that stored the PIN has committed, so no
//   response ever carries a PIN that was not stored; concurrent resets of one user are
//   serialised by the store and the later commit's PIN is the stored one.
#include "api/operations/inputs.h"
#include "api/operations/operations.h"
#include "api/render.h"
#include "model/lifecycle.h"
#include "model/pin.h"

namespace chime::api {

void ResetPersonalPIN(const CallPtr& call) {
  auto account_id = AccountIdLabel(*call);
  if (!account_id.ok()) return call->Fail(account_id.status());
  auto user_id = UserIdLabel(*call);
  if (!user_id.ok()) return call->Fail(user_id.status());

  store::PinResetAudit audit{call->request_id, call->caller.principal, *account_id, *user_id,
                             call->now_ms};
  RandomSource* random = call->deps.random;
  RunWrite(call, 200, [audit = std::move(audit), random](store::Tx& tx, std::string* out) {
    RETURN_IF_ERROR(tx.GetAccount(audit.account_id).status());
    ASSIGN_OR_RETURN(model::User user, tx.GetUser(audit.account_id, audit.user_id));
    RETURN_IF_ERROR(model::CheckPinReset(user));
    const std::string previous = user.personal_pin;
    ASSIGN_OR_RETURN(user.personal_pin,
                     model::AllocatePin(
                         *random, [&](const std::string& pin) { return tx.PinTaken(pin); },
                         previous));
    if (!previous.empty()) RETURN_IF_ERROR(tx.RetirePin(previous, audit.at_ms));
    RETURN_IF_ERROR(tx.UpdateUser(user));
    RETURN_IF_ERROR(tx.InsertPinResetAudit(audit));
    *out = RenderUser(user, /*with_pin=*/true);
    return OkStatus();
  });
}

}  // namespace chime::api
