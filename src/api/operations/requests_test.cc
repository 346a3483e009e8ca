#include "api/operations/requests.h"

#include <gtest/gtest.h>

namespace chime::api {
namespace {

const Labels kAccount = {"acct-1"};
const Labels kUser = {"acct-1", "user-1"};

// The status of a parse, for EXPECT_* on errors.
template <typename T>
Status StatusOf(const StatusOr<T>& r) {
  return r.ok() ? OkStatus() : r.status();
}

void ExpectBadRequestNaming(const Status& s, const std::string& field) {
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.message();
  EXPECT_NE(s.message().find(field), std::string::npos)
      << "message '" << s.message() << "' does not name " << field;
}

std::string List(size_t n, const std::string& item) {
  std::string out = "[";
  for (size_t i = 0; i < n; ++i) out += (i ? "," : "") + item;
  return out + "]";
}

TEST(RequestsTest, BlankOrMissingPathLabelsNameTheMember) {
  ExpectBadRequestNaming(StatusOf(ParseUpdateAccount({" "}, "{}")), "AccountId");
  ExpectBadRequestNaming(StatusOf(ParseUpdateAccount({""}, "{}")), "AccountId");
  ExpectBadRequestNaming(StatusOf(ParseUserPath({"a", "\t"})), "UserId");
  ExpectBadRequestNaming(StatusOf(ParseUserPath({"a"})), "UserId");
  ExpectBadRequestNaming(StatusOf(ParseUserPath({std::string(257, 'a'), "u"})), "AccountId");
  ExpectBadRequestNaming(StatusOf(ParseUserPath({"a", "\xff\xfe"})), "UserId");
}

TEST(RequestsTest, UpdateAccount) {
  auto r = ParseUpdateAccount(kAccount, R"({"Name":"New","DefaultLicense":"Basic",
                                           "AccountId":"other","AccountType":"EnterpriseLWA"})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->account_id, "acct-1");  // the path wins
  EXPECT_EQ(r->name, "New");
  EXPECT_EQ(r->default_license, model::LicenseType::kBasic);

  auto empty = ParseUpdateAccount(kAccount, "");
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->name);
  EXPECT_FALSE(empty->default_license);

  ExpectBadRequestNaming(StatusOf(ParseUpdateAccount(kAccount, R"({"Name":""})")), "Name");
  ExpectBadRequestNaming(StatusOf(ParseUpdateAccount(kAccount, R"({"Name":"   "})")), "Name");
  ExpectBadRequestNaming(
      StatusOf(ParseUpdateAccount(kAccount, "{\"Name\":\"" + std::string(101, 'n') + "\"}")),
      "Name");
  ExpectBadRequestNaming(StatusOf(ParseUpdateAccount(kAccount, R"({"Name":5})")), "Name");
  ExpectBadRequestNaming(StatusOf(ParseUpdateAccount(kAccount, R"({"DefaultLicense":"Gold"})")),
                         "DefaultLicense");
  ExpectBadRequestNaming(StatusOf(ParseUpdateAccount(kAccount, "{")), "not valid JSON");
  ExpectBadRequestNaming(StatusOf(ParseUpdateAccount(kAccount, "[]")), "JSON object");
}

TEST(RequestsTest, SigninDelegateGroups) {
  auto r = ParseAssociateSigninDelegateGroups(
      kAccount,
      R"({"SigninDelegateGroups":[{"GroupName":"a"},{"GroupName":"b"},{"GroupName":"a"}]})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->group_names, (std::vector<std::string>{"a", "b"}));
  ExpectBadRequestNaming(StatusOf(ParseAssociateSigninDelegateGroups(kAccount, "{}")),
                         "SigninDelegateGroups");
  ExpectBadRequestNaming(StatusOf(ParseAssociateSigninDelegateGroups(
                             kAccount, R"({"SigninDelegateGroups":[{"GroupName":" "}]})")),
                         "SigninDelegateGroups[0].GroupName");
  ExpectBadRequestNaming(
      StatusOf(ParseAssociateSigninDelegateGroups(kAccount, R"({"SigninDelegateGroups":[{}]})")),
      "SigninDelegateGroups[0].GroupName");
  ExpectBadRequestNaming(
      StatusOf(ParseAssociateSigninDelegateGroups(kAccount, R"({"SigninDelegateGroups":["a"]})")),
      "SigninDelegateGroups[0]");

  auto d = ParseDisassociateSigninDelegateGroups(kAccount, R"({"GroupNames":["a","a"]})");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->group_names, (std::vector<std::string>{"a"}));
  ExpectBadRequestNaming(
      StatusOf(ParseDisassociateSigninDelegateGroups(kAccount, R"({"GroupNames":[]})")),
      "GroupNames");
  ExpectBadRequestNaming(StatusOf(ParseDisassociateSigninDelegateGroups(kAccount, "{}")),
                         "GroupNames");
  ExpectBadRequestNaming(
      StatusOf(ParseDisassociateSigninDelegateGroups(kAccount, R"({"GroupNames":[1]})")),
      "GroupNames[0]");
}

TEST(RequestsTest, InviteUsers) {
  auto r = ParseInviteUsers(kAccount,
                            R"({"UserEmailList":["a@example.com","A@Example.com","b@example.com"],
                    "UserType":"SharedDevice"})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->emails, (std::vector<std::string>{"a@example.com", "b@example.com"}));
  EXPECT_EQ(r->user_type, model::UserType::kSharedDevice);

  EXPECT_TRUE(ParseInviteUsers(kAccount, R"({"UserEmailList":[]})").ok());
  EXPECT_TRUE(
      ParseInviteUsers(kAccount, "{\"UserEmailList\":" + List(50, "\"x@y.io\"") + "}").ok());
  ExpectBadRequestNaming(
      StatusOf(ParseInviteUsers(kAccount, "{\"UserEmailList\":" + List(51, "\"x@y.io\"") + "}")),
      "UserEmailList");
  ExpectBadRequestNaming(StatusOf(ParseInviteUsers(kAccount, "{}")), "UserEmailList");
  ExpectBadRequestNaming(
      StatusOf(ParseInviteUsers(kAccount, R"({"UserEmailList":["ok@example.com","nope"]})")),
      "UserEmailList[1]");
  ExpectBadRequestNaming(
      StatusOf(ParseInviteUsers(kAccount, R"({"UserEmailList":["a@b.co"],"UserType":"Robot"})")),
      "UserType");
}

TEST(RequestsTest, UpdateUserIgnoresNonInputsAndPathWins) {
  auto r = ParseUpdateUser(kUser, R"({"LicenseType":"Basic","UserType":"SharedDevice",
      "AlexaForBusinessMetadata":{"IsAlexaForBusinessEnabled":true,
                                  "AlexaForBusinessRoomArn":"arn:aws:a4b:room/1"},
      "UserId":"other","AccountId":"other","PersonalPIN":"1234567890",
      "UserRegistrationStatus":"Registered"})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->account_id, "acct-1");
  EXPECT_EQ(r->user_id, "user-1");
  EXPECT_EQ(r->changes.license_type, model::LicenseType::kBasic);
  EXPECT_EQ(r->changes.user_type, model::UserType::kSharedDevice);
  ASSERT_TRUE(r->changes.alexa);
  EXPECT_TRUE(r->changes.alexa->enabled);
  EXPECT_EQ(r->changes.alexa->room_arn, "arn:aws:a4b:room/1");

  ExpectBadRequestNaming(StatusOf(ParseUpdateUser(kUser, R"({"LicenseType":"pro"})")),
                         "LicenseType");
  ExpectBadRequestNaming(StatusOf(ParseUpdateUser(kUser, R"({"UserType":""})")), "UserType");
  ExpectBadRequestNaming(
      StatusOf(ParseUpdateUser(
          kUser, R"({"AlexaForBusinessMetadata":{"IsAlexaForBusinessEnabled":"yes"}})")),
      "AlexaForBusinessMetadata.IsAlexaForBusinessEnabled");
  ExpectBadRequestNaming(StatusOf(ParseUpdateUser(kUser, R"({"AlexaForBusinessMetadata":[]})")),
                         "AlexaForBusinessMetadata");
}

TEST(RequestsTest, ApplyUserChangesChecksSupportedLicenses) {
  model::Account account;
  account.supported_licenses = {model::LicenseType::kBasic, model::LicenseType::kPro};
  model::User user;
  user.license_type = model::LicenseType::kPro;
  UserChanges changes;
  changes.license_type = model::LicenseType::kPlus;
  changes.user_type = model::UserType::kSharedDevice;
  Status s = ApplyUserChanges(changes, account, "Items[0].", &user);
  ExpectBadRequestNaming(s, "Items[0].LicenseType");
  EXPECT_EQ(user.license_type, model::LicenseType::kPro);  // unchanged
  EXPECT_EQ(user.user_type, model::UserType::kPrivateUser);
  changes.license_type = model::LicenseType::kBasic;
  ASSERT_TRUE(ApplyUserChanges(changes, account, "", &user).ok());
  EXPECT_EQ(user.license_type, model::LicenseType::kBasic);
  EXPECT_EQ(user.user_type, model::UserType::kSharedDevice);
}

TEST(RequestsTest, BatchUpdateUser) {
  auto r = ParseBatchUpdateUser(kAccount,
                                R"({"UpdateUserRequestItems":[{"UserId":"u1","LicenseType":"Basic"},
                                              {"UserId":"u2"}]})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->items.size(), 2u);
  EXPECT_EQ(r->items[0].user_id, "u1");
  EXPECT_EQ(r->items[0].changes.license_type, model::LicenseType::kBasic);
  EXPECT_FALSE(r->items[1].changes.license_type);

  const std::string item = R"({"UserId":"u"})";
  EXPECT_TRUE(
      ParseBatchUpdateUser(kAccount, "{\"UpdateUserRequestItems\":" + List(20, item) + "}").ok());
  ExpectBadRequestNaming(StatusOf(ParseBatchUpdateUser(
                             kAccount, "{\"UpdateUserRequestItems\":" + List(21, item) + "}")),
                         "UpdateUserRequestItems");
  ExpectBadRequestNaming(StatusOf(ParseBatchUpdateUser(kAccount, "{}")), "UpdateUserRequestItems");
  ExpectBadRequestNaming(StatusOf(ParseBatchUpdateUser(
                             kAccount, R"({"UpdateUserRequestItems":[{"LicenseType":"Pro"}]})")),
                         "UpdateUserRequestItems[0].UserId");
  ExpectBadRequestNaming(
      StatusOf(ParseBatchUpdateUser(kAccount, R"({"UpdateUserRequestItems":[{"UserId":" "}]})")),
      "UpdateUserRequestItems[0].UserId");
  ExpectBadRequestNaming(
      StatusOf(ParseBatchUpdateUser(kAccount, R"({"UpdateUserRequestItems":[{"UserId":"u"},
                                           {"UserId":"v","UserType":"Bot"}]})")),
      "UpdateUserRequestItems[1].UserType");
}

TEST(RequestsTest, UserIdList) {
  auto r = ParseUserIdList(kAccount, R"({"UserIdList":["a","b","a"]})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->user_ids, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(ParseUserIdList(kAccount, "{\"UserIdList\":" + List(50, "\"u\"") + "}").ok());
  ExpectBadRequestNaming(
      StatusOf(ParseUserIdList(kAccount, "{\"UserIdList\":" + List(51, "\"u\"") + "}")),
      "UserIdList");
  ExpectBadRequestNaming(StatusOf(ParseUserIdList(kAccount, R"({"UserIdList":["a"," "]})")),
                         "UserIdList[1]");
  ExpectBadRequestNaming(StatusOf(ParseUserIdList(kAccount, R"({"UserIdList":"a"})")),
                         "UserIdList");
  ExpectBadRequestNaming(StatusOf(ParseUserIdList(kAccount, "{}")), "UserIdList");
}

TEST(RequestsTest, AssociatePhoneNumber) {
  auto r = ParseAssociatePhoneNumber(kUser, R"({"E164PhoneNumber":"12065550100"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->e164_phone_number, "+12065550100");
  r = ParseAssociatePhoneNumber(kUser, R"({"E164PhoneNumber":"+12065550100"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->e164_phone_number, "+12065550100");
  for (const char* bad : {"", "+0123", "+1", "+1234567890123456", "555-0100", "+1 206"}) {
    Status s = StatusOf(
        ParseAssociatePhoneNumber(kUser, std::string("{\"E164PhoneNumber\":\"") + bad + "\"}"));
    ExpectBadRequestNaming(s, "E164PhoneNumber");
  }
  ExpectBadRequestNaming(StatusOf(ParseAssociatePhoneNumber(kUser, "{}")), "E164PhoneNumber");
}

TEST(RequestsTest, AccountSettings) {
  auto r = ParseUpdateAccountSettings(kAccount, R"({"AccountSettings":{"EnableDialOut":true}})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->enable_dial_out, true);
  EXPECT_FALSE(r->disable_remote_control);
  ExpectBadRequestNaming(StatusOf(ParseUpdateAccountSettings(kAccount, "{}")), "AccountSettings");
  ExpectBadRequestNaming(StatusOf(ParseUpdateAccountSettings(
                             kAccount, R"({"AccountSettings":{"DisableRemoteControl":1}})")),
                         "AccountSettings.DisableRemoteControl");
}

TEST(RequestsTest, UserSettingsRequireEveryTelephonyMember) {
  auto r = ParseUpdateUserSettings(
      kUser,
      R"({"UserSettings":{"Telephony":{"InboundCalling":false,"OutboundCalling":true,"SMS":false}}})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(r->settings.telephony.inbound_calling);
  EXPECT_TRUE(r->settings.telephony.outbound_calling);
  EXPECT_FALSE(r->settings.telephony.sms);
  ExpectBadRequestNaming(StatusOf(ParseUpdateUserSettings(kUser, "{}")), "UserSettings");
  ExpectBadRequestNaming(StatusOf(ParseUpdateUserSettings(kUser, R"({"UserSettings":{}})")),
                         "UserSettings.Telephony");
  ExpectBadRequestNaming(
      StatusOf(ParseUpdateUserSettings(
          kUser,
          R"({"UserSettings":{"Telephony":{"InboundCalling":true,"OutboundCalling":true}}})")),
      "UserSettings.Telephony.SMS");
}

TEST(RequestsTest, RetentionDaysRange) {
  auto r = ParsePutRetentionSettings(
      kAccount, R"({"RetentionSettings":{"RoomRetentionSettings":{"RetentionDays":1},
                    "ConversationRetentionSettings":{"RetentionDays":5475}}})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->room_retention_days, 1);
  EXPECT_EQ(r->conversation_retention_days, 5475);
  auto off =
      ParsePutRetentionSettings(kAccount, R"({"RetentionSettings":{"RoomRetentionSettings":{}}})");
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->room_retention_days);
  for (const char* bad : {"0", "5476", "-1", "1.5", "\"30\"", "99999999999"}) {
    Status s = StatusOf(ParsePutRetentionSettings(
        kAccount,
        std::string(R"({"RetentionSettings":{"ConversationRetentionSettings":{"RetentionDays":)") +
            bad + "}}}"));
    ExpectBadRequestNaming(s, "RetentionSettings.ConversationRetentionSettings.RetentionDays");
  }
  ExpectBadRequestNaming(StatusOf(ParsePutRetentionSettings(kAccount, "{}")), "RetentionSettings");
}

TEST(RequestsTest, GlobalSettings) {
  auto r = ParseUpdateGlobalSettings(R"({"BusinessCalling":{"CdrBucket":"b1"}})");
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->business_calling);
  EXPECT_EQ(r->business_calling->cdr_bucket, "b1");
  EXPECT_FALSE(r->voice_connector);
  ExpectBadRequestNaming(
      StatusOf(ParseUpdateGlobalSettings(R"({"VoiceConnector":{"CdrBucket":7}})")),
      "VoiceConnector.CdrBucket");
  ExpectBadRequestNaming(StatusOf(ParseUpdateGlobalSettings(R"({"VoiceConnector":"x"})")),
                         "VoiceConnector");
}

}  // namespace
}  // namespace chime::api
