#include "model/lifecycle.h"

#include <gtest/gtest.h>

#include "model/account_rules.h"

namespace chime::model {
namespace {

User Invited() {
  return NewInvitedUser("acct", "user-1", "a@example.com", UserType::kPrivateUser,
                        LicenseType::kPro, 1000);
}

User RegisteredWithPin(const std::string& pin = "4821937765") {
  User user = Invited();
  EXPECT_TRUE(Register(user, 2000).ok());
  user.personal_pin = pin;
  return user;
}

TEST(LifecycleTest, InvitedUserIsUnregisteredPendingWithoutPin) {
  User user = Invited();
  EXPECT_EQ(user.registration_status, RegistrationStatus::kUnregistered);
  EXPECT_EQ(user.invitation_status, InvitationStatus::kPending);
  EXPECT_EQ(user.invited_ms, 1000);
  EXPECT_FALSE(user.registered_ms);
  EXPECT_TRUE(user.personal_pin.empty());
  EXPECT_EQ(user.primary_email, "a@example.com");
  EXPECT_EQ(user.license_type, LicenseType::kPro);
}

TEST(LifecycleTest, RegisterAcceptsTheInvitation) {
  User user = Invited();
  ASSERT_TRUE(Register(user, 2000).ok());
  EXPECT_EQ(user.registration_status, RegistrationStatus::kRegistered);
  EXPECT_EQ(user.invitation_status, InvitationStatus::kAccepted);
  EXPECT_EQ(user.registered_ms, 2000);
  EXPECT_EQ(user.invited_ms, 1000);
}

TEST(LifecycleTest, RegisterRefusesRegisteredAndSuspendedUsers) {
  User registered = RegisteredWithPin();
  Status again = Register(registered, 3000);
  EXPECT_EQ(again.code(), Code::kInvalidArgument);
  EXPECT_NE(again.message().find("already registered"), std::string::npos);
  EXPECT_EQ(registered.registered_ms, 2000);

  User suspended = RegisteredWithPin();
  ASSERT_TRUE(Suspend(suspended));
  Status s = Register(suspended, 3000);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("suspended"), std::string::npos);
  EXPECT_EQ(suspended.registration_status, RegistrationStatus::kSuspended);
}

TEST(LifecycleTest, SuspendIsIdempotentAndKeepsThePin) {
  User user = RegisteredWithPin("4821937765");
  EXPECT_TRUE(Suspend(user));
  EXPECT_EQ(user.registration_status, RegistrationStatus::kSuspended);
  EXPECT_EQ(user.personal_pin, "4821937765");
  EXPECT_FALSE(Suspend(user));
  EXPECT_EQ(user.registration_status, RegistrationStatus::kSuspended);
}

TEST(LifecycleTest, UnsuspendReturnsToRegisteredOrUnregistered) {
  User registered = RegisteredWithPin();
  ASSERT_TRUE(Suspend(registered));
  EXPECT_TRUE(Unsuspend(registered));
  EXPECT_EQ(registered.registration_status, RegistrationStatus::kRegistered);

  User invitee = Invited();
  ASSERT_TRUE(Suspend(invitee));
  EXPECT_TRUE(Unsuspend(invitee));
  EXPECT_EQ(invitee.registration_status, RegistrationStatus::kUnregistered);
  EXPECT_EQ(invitee.invitation_status, InvitationStatus::kPending);
}

TEST(LifecycleTest, UnsuspendIgnoresUsersThatAreNotSuspended) {
  User registered = RegisteredWithPin();
  EXPECT_FALSE(Unsuspend(registered));
  EXPECT_EQ(registered.registration_status, RegistrationStatus::kRegistered);
  User invitee = Invited();
  EXPECT_FALSE(Unsuspend(invitee));
  EXPECT_EQ(invitee.registration_status, RegistrationStatus::kUnregistered);
}

TEST(LifecycleTest, ReinviteOfPendingUserRefreshesInvitedOn) {
  User user = Invited();
  std::string retired = "x";
  EXPECT_EQ(Reinvite(user, 5000, &retired), InvitationStatus::kPending);
  EXPECT_TRUE(retired.empty());
  EXPECT_EQ(user.invited_ms, 5000);
  EXPECT_EQ(user.registration_status, RegistrationStatus::kUnregistered);
}

TEST(LifecycleTest, ReinviteOfRegisteredUserChangesNothing) {
  User user = RegisteredWithPin("4821937765");
  User before = user;
  std::string retired;
  EXPECT_EQ(Reinvite(user, 5000, &retired), InvitationStatus::kAccepted);
  EXPECT_TRUE(retired.empty());
  EXPECT_EQ(user.invited_ms, before.invited_ms);
  EXPECT_EQ(user.registration_status, RegistrationStatus::kRegistered);
  EXPECT_EQ(user.personal_pin, "4821937765");
}

TEST(LifecycleTest, ReinviteOfSuspendedUserStartsANewMembership) {
  User user = RegisteredWithPin("4821937765");
  ASSERT_TRUE(Suspend(user));
  std::string retired;
  EXPECT_EQ(Reinvite(user, 5000, &retired), InvitationStatus::kPending);
  EXPECT_EQ(retired, "4821937765");
  EXPECT_TRUE(user.personal_pin.empty());
  EXPECT_FALSE(user.registered_ms);
  EXPECT_EQ(user.registration_status, RegistrationStatus::kUnregistered);
  EXPECT_EQ(user.invitation_status, InvitationStatus::kPending);
  EXPECT_EQ(user.invited_ms, 5000);
  // ... and registration completes it again.
  EXPECT_TRUE(Register(user, 6000).ok());
  EXPECT_EQ(user.registration_status, RegistrationStatus::kRegistered);
}

TEST(LifecycleTest, PinResetNeedsAPin) {
  EXPECT_EQ(CheckPinReset(Invited()).code(), Code::kInvalidArgument);
  EXPECT_TRUE(CheckPinReset(RegisteredWithPin()).ok());
  User suspended = RegisteredWithPin();
  Suspend(suspended);
  EXPECT_TRUE(CheckPinReset(suspended).ok());
  User suspended_invitee = Invited();
  Suspend(suspended_invitee);
  EXPECT_EQ(CheckPinReset(suspended_invitee).code(), Code::kInvalidArgument);
}

TEST(AccountRulesTest, LenientModeAllowsEverythingOnEveryType) {
  for (auto type : {AccountType::kTeam, AccountType::kEnterpriseDirectory,
                    AccountType::kEnterpriseLWA, AccountType::kEnterpriseOIDC}) {
    for (auto action :
         {AccountAction::kCreateUser, AccountAction::kInviteUsers, AccountAction::kSuspendUsers,
          AccountAction::kUnsuspendUsers, AccountAction::kRetentionSettings}) {
      EXPECT_TRUE(CheckAccountAction(action, type, /*strict=*/false).ok());
    }
  }
}

TEST(AccountRulesTest, StrictModeFollowsAmazonChime) {
  struct Case {
    AccountAction action;
    AccountType type;
    bool allowed;
  };
  const Case cases[] = {
      {AccountAction::kCreateUser, AccountType::kTeam, false},
      {AccountAction::kCreateUser, AccountType::kEnterpriseDirectory, true},
      {AccountAction::kCreateUser, AccountType::kEnterpriseLWA, true},
      {AccountAction::kCreateUser, AccountType::kEnterpriseOIDC, true},
      {AccountAction::kInviteUsers, AccountType::kTeam, true},
      {AccountAction::kInviteUsers, AccountType::kEnterpriseLWA, false},
      {AccountAction::kInviteUsers, AccountType::kEnterpriseDirectory, false},
      {AccountAction::kSuspendUsers, AccountType::kTeam, true},
      {AccountAction::kSuspendUsers, AccountType::kEnterpriseLWA, true},
      {AccountAction::kSuspendUsers, AccountType::kEnterpriseDirectory, false},
      {AccountAction::kSuspendUsers, AccountType::kEnterpriseOIDC, false},
      {AccountAction::kUnsuspendUsers, AccountType::kEnterpriseLWA, true},
      {AccountAction::kUnsuspendUsers, AccountType::kTeam, false},
      {AccountAction::kUnsuspendUsers, AccountType::kEnterpriseDirectory, false},
      {AccountAction::kRetentionSettings, AccountType::kTeam, false},
      {AccountAction::kRetentionSettings, AccountType::kEnterpriseOIDC, true},
  };
  for (const Case& c : cases) {
    Status s = CheckAccountAction(c.action, c.type, /*strict=*/true);
    EXPECT_EQ(s.ok(), c.allowed) << static_cast<int>(c.action) << " on " << ToString(c.type);
    if (!s.ok()) {
      EXPECT_EQ(s.code(), Code::kInvalidArgument);
      EXPECT_NE(s.message().find(std::string(ToString(c.type))), std::string::npos) << s.message();
      EXPECT_NE(s.message().find("--strict-account-types"), std::string::npos);
    }
  }
}

TEST(AccountRulesTest, StrictUnsuspendOnTeamPointsToInviteUsers) {
  Status s = CheckAccountAction(AccountAction::kUnsuspendUsers, AccountType::kTeam, true);
  EXPECT_NE(s.message().find("InviteUsers"), std::string::npos) << s.message();
}

TEST(AccountRulesTest, TeamAccountNeedsSuspendedUsersInBothModes) {
  for (bool strict : {false, true}) {
    Status s = CheckAccountDeletable(AccountType::kTeam, 2, strict);
    EXPECT_EQ(s.code(), Code::kUnprocessable);
    EXPECT_NE(s.message().find("2 user(s) are not suspended"), std::string::npos) << s.message();
    EXPECT_TRUE(CheckAccountDeletable(AccountType::kTeam, 0, strict).ok());
  }
}

TEST(AccountRulesTest, EnterpriseAccountNeedsSuspendedUsersOnlyInStrictMode) {
  EXPECT_TRUE(CheckAccountDeletable(AccountType::kEnterpriseLWA, 3, false).ok());
  EXPECT_EQ(CheckAccountDeletable(AccountType::kEnterpriseLWA, 3, true).code(),
            Code::kUnprocessable);
  EXPECT_TRUE(CheckAccountDeletable(AccountType::kEnterpriseLWA, 0, true).ok());
}

}  // namespace
}  // namespace chime::model
