#include "api/operations/settings_json.h"

#include <gtest/gtest.h>

namespace chime::api {
namespace {

TEST(SettingsJsonTest, NeverWrittenDocumentsDecodeToDefaults) {
  auto account = DecodeAccountSettings(std::nullopt);
  ASSERT_TRUE(account.ok());
  EXPECT_FALSE(account->disable_remote_control);
  EXPECT_FALSE(account->enable_dial_out);
  auto user = DecodeUserSettings(std::nullopt);
  ASSERT_TRUE(user.ok());
  EXPECT_TRUE(user->telephony.inbound_calling && user->telephony.outbound_calling &&
              user->telephony.sms);
  auto retention = DecodeRetentionSettings(std::nullopt);
  ASSERT_TRUE(retention.ok());
  EXPECT_FALSE(retention->room_retention_days || retention->initiate_deletion_ms);
  auto global = DecodeGlobalSettings(std::nullopt);
  ASSERT_TRUE(global.ok());
  EXPECT_FALSE(global->business_calling || global->voice_connector);
}

TEST(SettingsJsonTest, RoundTrips) {
  model::AccountSettings a{true, true};
  EXPECT_EQ(EncodeAccountSettings(a), R"({"DisableRemoteControl":true,"EnableDialOut":true})");
  auto a2 = DecodeAccountSettings(EncodeAccountSettings(a));
  ASSERT_TRUE(a2.ok());
  EXPECT_TRUE(a2->disable_remote_control && a2->enable_dial_out);

  model::UserSettings u;
  u.telephony.sms = false;
  EXPECT_EQ(EncodeUserSettings(u),
            R"({"Telephony":{"InboundCalling":true,"OutboundCalling":true,"SMS":false}})");
  auto u2 = DecodeUserSettings(EncodeUserSettings(u));
  ASSERT_TRUE(u2.ok());
  EXPECT_FALSE(u2->telephony.sms);

  model::RetentionSettings r;
  r.conversation_retention_days = 30;
  r.initiate_deletion_ms = 1'700'000'000'123;
  auto r2 = DecodeRetentionSettings(EncodeRetentionSettings(r));
  ASSERT_TRUE(r2.ok());
  EXPECT_FALSE(r2->room_retention_days);
  EXPECT_EQ(r2->conversation_retention_days, 30);
  EXPECT_EQ(r2->initiate_deletion_ms, 1'700'000'000'123);

  model::GlobalSettings g;
  g.voice_connector = model::CdrSettings{"bucket"};
  g.business_calling = model::CdrSettings{};
  EXPECT_EQ(EncodeGlobalSettings(g),
            R"({"BusinessCalling":{},"VoiceConnector":{"CdrBucket":"bucket"}})");
  auto g2 = DecodeGlobalSettings(EncodeGlobalSettings(g));
  ASSERT_TRUE(g2.ok());
  ASSERT_TRUE(g2->business_calling);
  EXPECT_FALSE(g2->business_calling->cdr_bucket);
  EXPECT_EQ(g2->voice_connector->cdr_bucket, "bucket");
}

TEST(SettingsJsonTest, DamagedDocumentIsInternal) {
  EXPECT_EQ(DecodeAccountSettings(std::string("{")).status().code(), Code::kInternal);
  EXPECT_EQ(DecodeUserSettings(std::string("{}")).status().code(), Code::kInternal);
}

}  // namespace
}  // namespace chime::api
