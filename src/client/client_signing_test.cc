// The client builds and signs requests byte for byte as botocore does. testdata/
// signing_fixture.json holds requests captured from botocore (gen_signing_fixture.py); each is
// rebuilt here through the public client API at the same instant with the same key.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "client/test_fakes.h"

namespace chime::client {
namespace {

using testing::FakeClientSetup;
using testing::FakeTransport;

const rapidjson::Document& Fixture() {
  static rapidjson::Document* doc = [] {
    std::ifstream in(std::string(CHIME_CLIENT_TESTDATA) + "/signing_fixture.json");
    std::stringstream text;
    text << in.rdbuf();
    auto* d = new rapidjson::Document;
    d->Parse(text.str().c_str());
    return d;
  }();
  return *doc;
}

std::string S(const rapidjson::Value& params, const char* name) { return params[name].GetString(); }

// Calls the operation named like boto3's method with the fixture's params.
using Caller = std::function<void(Client&, const rapidjson::Value&)>;
const std::map<std::string, Caller>& Callers() {
  static const std::map<std::string, Caller> callers = {
      {"reset_personal_pin",
       [](Client& c, const rapidjson::Value& p) {
         (void)c.ResetPersonalPin({S(p, "AccountId"), S(p, "UserId")});
       }},
      {"get_user",
       [](Client& c, const rapidjson::Value& p) {
         (void)c.GetUser({S(p, "AccountId"), S(p, "UserId")});
       }},
      {"create_user",
       [](Client& c, const rapidjson::Value& p) {
         (void)c.CreateUser({S(p, "AccountId"), S(p, "Username"), S(p, "Email"), S(p, "UserType")});
       }},
      {"create_account",
       [](Client& c, const rapidjson::Value& p) { (void)c.CreateAccount({S(p, "Name")}); }},
      {"list_users",
       [](Client& c, const rapidjson::Value& p) {
         (void)c.ListUsers({S(p, "AccountId"), S(p, "UserEmail"), S(p, "UserType"),
                            p["MaxResults"].GetInt(), S(p, "NextToken")});
       }},
      {"list_accounts",
       [](Client& c, const rapidjson::Value& p) {
         ListAccountsRequest r;
         r.name = S(p, "Name");
         r.max_results = p["MaxResults"].GetInt();
         (void)c.ListAccounts(r);
       }},
      {"batch_suspend_user",
       [](Client& c, const rapidjson::Value& p) {
         (void)c.BatchSuspendUser({S(p, "AccountId"), {"u1", "u2"}});
       }},
      {"update_user",
       [](Client& c, const rapidjson::Value& p) {
         (void)c.UpdateUser({S(p, "AccountId"), S(p, "UserId"), "Basic", std::nullopt,
                             AlexaForBusinessMetadata{true, "arn:x"}});
       }},
      {"update_user_settings",
       [](Client& c, const rapidjson::Value& p) {
         (void)c.UpdateUserSettings({S(p, "AccountId"), S(p, "UserId"), {{true, false, true}}});
       }},
      {"put_retention_settings",
       [](Client& c, const rapidjson::Value& p) {
         RetentionSettings rs;
         rs.room_retention_settings = RoomRetentionSettings{30};
         (void)c.PutRetentionSettings({S(p, "AccountId"), rs});
       }},
      {"delete_account",
       [](Client& c, const rapidjson::Value& p) { (void)c.DeleteAccount({S(p, "AccountId")}); }},
  };
  return callers;
}

std::string HeaderOr(const http::Request& r, const char* name) {
  const std::string* v = r.Header(name);
  return v ? *v : "<absent>";
}

TEST(ClientSigningTest, MatchesBotocoreByteForByte) {
  const rapidjson::Document& fx = Fixture();
  ASSERT_TRUE(fx.IsObject()) << "cannot read signing_fixture.json";
  int checked = 0;
  for (const auto& c : fx["cases"].GetArray()) {
    std::string op = c["operation"].GetString();
    SCOPED_TRACE(op);
    FakeClientSetup setup;
    setup.clock.SetMs(fx["time_ms"].GetInt64());
    ClientOptions options = setup.Options();
    options.endpoint_url = fx["endpoint"].GetString();
    options.max_attempts = 1;
    options.credentials = auth::Credentials{fx["access_key_id"].GetString(),
                                            fx["secret_access_key"].GetString(), std::nullopt};
    if (c["session_token"].IsString())
      options.credentials->session_token = c["session_token"].GetString();
    auto client = setup.Make(options);
    ASSERT_NE(client, nullptr);
    auto caller = Callers().find(op);
    ASSERT_NE(caller, Callers().end()) << "no C++ call for fixture case " << op;
    caller->second(*client, c["params"]);
    ASSERT_EQ(setup.transport->requests.size(), 1u);
    const http::Request& sent = setup.transport->requests[0];
    EXPECT_EQ(sent.method, c["method"].GetString());
    EXPECT_EQ(sent.target, c["target"].GetString());
    EXPECT_EQ(sent.body, c["body"].GetString());
    EXPECT_EQ(HeaderOr(sent, "Host"), "chime.example.com:8080");
    const rapidjson::Value& h = c["headers"];
    for (const char* name :
         {"Content-Type", "X-Amz-Date", "X-Amz-Security-Token", "Authorization"}) {
      std::string want = h.HasMember(name) ? h[name].GetString() : "<absent>";
      EXPECT_EQ(HeaderOr(sent, name), want) << name;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 11);
}

}  // namespace
}  // namespace chime::client
