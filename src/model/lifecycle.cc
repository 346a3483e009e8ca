#include "model/lifecycle.h"

namespace chime::model {

User NewInvitedUser(std::string account_id, std::string user_id, std::string email,
                    UserType user_type, LicenseType license, int64_t now_ms) {
  User user;
  user.user_id = std::move(user_id);
  user.account_id = std::move(account_id);
  user.primary_email = std::move(email);
  user.user_type = user_type;
  user.license_type = license;
  user.registration_status = RegistrationStatus::kUnregistered;
  user.invitation_status = InvitationStatus::kPending;
  user.invited_ms = now_ms;
  return user;
}

InvitationStatus Reinvite(User& user, int64_t now_ms, std::string* pin_to_retire) {
  pin_to_retire->clear();
  switch (user.registration_status) {
    case RegistrationStatus::kRegistered:
      return InvitationStatus::kAccepted;
    case RegistrationStatus::kSuspended:
      // Amazon Chime disassociates users suspended from a Team account and lifts the suspension
      // by a new invitation: a new membership, so the old meeting PIN goes for good.
      *pin_to_retire = std::move(user.personal_pin);
      user.personal_pin.clear();
      user.registered_ms.reset();
      user.registration_status = RegistrationStatus::kUnregistered;
      break;
    case RegistrationStatus::kUnregistered:
      break;
  }
  user.invitation_status = InvitationStatus::kPending;
  user.invited_ms = now_ms;
  return InvitationStatus::kPending;
}

Status Register(User& user, int64_t now_ms) {
  switch (user.registration_status) {
    case RegistrationStatus::kRegistered:
      return InvalidArgument("The user " + user.user_id + " is already registered.");
    case RegistrationStatus::kSuspended:
      return InvalidArgument("The user " + user.user_id +
                             " is suspended; unsuspend it (BatchUnsuspendUser) or invite it "
                             "again (InviteUsers) before registering.");
    case RegistrationStatus::kUnregistered:
      break;
  }
  user.registration_status = RegistrationStatus::kRegistered;
  user.invitation_status = InvitationStatus::kAccepted;
  user.registered_ms = now_ms;
  return OkStatus();
}

bool Suspend(User& user) {
  if (user.registration_status == RegistrationStatus::kSuspended) return false;
  user.registration_status = RegistrationStatus::kSuspended;
  return true;
}

bool Unsuspend(User& user) {
  if (user.registration_status != RegistrationStatus::kSuspended) return false;
  user.registration_status = user.personal_pin.empty() ? RegistrationStatus::kUnregistered
                                                       : RegistrationStatus::kRegistered;
  return true;
}

Status CheckPinReset(const User& user) {
  if (user.registration_status == RegistrationStatus::kUnregistered) {
    return InvalidArgument("The user " + user.user_id +
                           " has not registered yet; a personal meeting PIN is assigned at "
                           "registration.");
  }
  if (user.personal_pin.empty()) {
    return InvalidArgument("The user " + user.user_id +
                           " was suspended before it registered and has no personal meeting "
                           "PIN to reset.");
  }
  return OkStatus();
}

}  // namespace chime::model
