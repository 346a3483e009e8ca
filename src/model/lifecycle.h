// The user lifecycle as a state machine: pure functions over model::User, no I/O, so every
// transition rule is unit-tested on its own (lifecycle_test.cc) and the API handlers and the
// `chimed users register` subcommand share one definition.
//
// States (UserRegistrationStatus / UserInvitationStatus):
//
//   InviteUsers (new address)        -> Unregistered / Pending, InvitedOn set, no PIN
//   register (chimed admin command)  Unregistered -> Registered / Accepted, RegisteredOn set;
//                                    the caller assigns the personal meeting PIN
//   BatchSuspendUser                 Registered | Unregistered -> Suspended (PIN kept)
//   BatchUnsuspendUser               Suspended -> Registered when the user has a PIN (registered
//                                    before), else back to Unregistered
//   InviteUsers (existing address)   Unregistered: invitation re-sent (InvitedOn refreshed)
//                                    Registered: nothing changes, the invite reports Accepted
//                                    Suspended: a new membership, as Amazon Chime documents for
//                                    Team accounts ("invite them again"): Unregistered / Pending,
//                                    the old PIN retired, registration assigns a new one
//
// Invariant kept by every transition: a user has a PIN exactly when it is Registered, or
// Suspended after having registered. Unregistered users never have one.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "model/types.h"

namespace chime::model {

// A user created by an invitation: Unregistered, invitation Pending, InvitedOn = now_ms, no
// PIN, no display name (chimed has no directory to take one from).
User NewInvitedUser(std::string account_id, std::string user_id, std::string email,
                    UserType user_type, LicenseType license, int64_t now_ms);

// InviteUsers for an address that already belongs to `user`. Returns the status the Invite
// reports. When the user held a PIN that must be retired (a suspended user invited again),
// it is moved to `*pin_to_retire` (left empty otherwise); the caller retires it.
InvitationStatus Reinvite(User& user, int64_t now_ms, std::string* pin_to_retire);

// Completes registration (the step Amazon Chime took when the invitee signed in). Only an
// Unregistered user can register: kInvalidArgument naming the state otherwise. On success the
// user is Registered, RegisteredOn = now_ms and its invitation Accepted; the caller must then
// assign a PIN (user.personal_pin is empty).
Status Register(User& user, int64_t now_ms);

// BatchSuspendUser for one user. Returns false when the user was already suspended (ignored,
// no error), true when it changed.
bool Suspend(User& user);

// BatchUnsuspendUser for one user. Returns false when the user was not suspended (ignored, as
// the model documents), true when it changed.
bool Unsuspend(User& user);

// ResetPersonalPIN's precondition: OK for a user that has a PIN (Registered, or Suspended after
// registering); kInvalidArgument for a user that never registered (no PIN to reset).
Status CheckPinReset(const User& user);

}  // namespace chime::model
