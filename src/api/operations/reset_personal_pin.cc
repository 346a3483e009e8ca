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

namespace chime::api {

void ResetPersonalPIN(const CallPtr& call) {
  auto account_id = AccountIdLabel(*call);
  if (!account_id.ok()) return call->Fail(account_id.status());
  auto user_id = UserIdLabel(*call);
  if (!user_id.ok()) return call->Fail(user_id.status());

  store::PinResetAudit audit{call->request_id, call->caller.principal, *account_id, *user_id,
                             call->now_ms};
  // Through Store::ResetPin rather than a write function, so that an engine can batch resets
  // (PostgreSQL runs a group of queued resets as one statement). The key check, when the gate
  // admitted the request from its cache, rides in that statement (security_gate.h).
  call->deps.store->ResetPin(std::move(audit), call->caller.key_check, *call->deps.random,
                             [call](StatusOr<model::User> user) {
                               if (!user.ok()) return call->Fail(user.status());
                               call->Reply(200, RenderUser(*user, /*with_pin=*/true));
                             });
}

}  // namespace chime::api
