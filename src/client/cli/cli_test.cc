// chimectl's pieces: CSV, shorthand, output formats, and whole command lines against a fake
// transport (exit codes, output, requests sent).
#include <gtest/gtest.h>

#include <sstream>

#include "client/cli/chimectl_app.h"
#include "client/cli/csv.h"
#include "client/cli/output.h"
#include "client/cli/shorthand.h"
#include "client/json_dump.h"
#include "client/test_fakes.h"

namespace chime::client::cli {
namespace {

using testing::FakeTransport;

TEST(CsvTest, QuotesLineEndsAndLineNumbers) {
  auto r = ParseCsv("email,username\r\n\"a,b\"\"c@x.com\",\"multi\nline\"\n\nplain@x.com,p\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[1].fields[0], "a,b\"c@x.com");
  EXPECT_EQ((*r)[1].fields[1], "multi\nline");
  EXPECT_EQ((*r)[1].line, 2);
  EXPECT_EQ((*r)[2].line, 5);  // the quoted newline and the blank line are counted
  EXPECT_EQ((*r)[2].fields, (std::vector<std::string>{"plain@x.com", "p"}));
}

TEST(CsvTest, MalformedQuotingNamesTheLine) {
  auto r = ParseCsv("email\nok@x.com\nbad\"quote@x.com\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("line 3"), std::string::npos);
  EXPECT_FALSE(ParseCsv("email\n\"never closed\n").ok());
}

TEST(ShorthandTest, ShorthandAndJson) {
  auto d = ParseStructureArg("--user-settings",
                             "Telephony={InboundCalling=true,OutboundCalling=false,SMS=true}");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(DumpJson(*d),
            R"({"Telephony": {"InboundCalling": true, "OutboundCalling": false, "SMS": true}})");
  d = ParseStructureArg("--r", "RoomRetentionSettings={RetentionDays=30}");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(DumpJson(*d), R"({"RoomRetentionSettings": {"RetentionDays": 30}})");
  d = ParseStructureArg("--x", R"({"GroupName": "g"})");
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE((*d)["GroupName"].IsString());
  EXPECT_FALSE(ParseStructureArg("--x", "SMS=maybe").ok());
  EXPECT_FALSE(ParseStructureArg("--x", "novalue").ok());
  EXPECT_FALSE(ParseStructureArg("--x", "{not json").ok());
}

TEST(OutputTest, TextAndTableLayouts) {
  rapidjson::Document d;
  d.Parse(R"({"Users":[{"UserId":"u1","PrimaryEmail":"a@x.com"},{"UserId":"u2"}],
              "NextToken":"t"})");
  std::ostringstream text;
  PrintDocument(d, "text", "ListUsers", text);
  EXPECT_EQ(text.str(), "t\nUSERS\ta@x.com\tu1\nUSERS\tu2\n");
  std::ostringstream table;
  PrintDocument(d, "table", "ListUsers", table);
  EXPECT_NE(table.str().find("| UserId | PrimaryEmail |"), std::string::npos) << table.str();
  std::ostringstream none;
  rapidjson::Document empty;
  empty.SetObject();
  PrintDocument(empty, "json", "X", none);
  EXPECT_EQ(none.str(), "");
}

struct CliRun {
  int code;
  std::string out;
  std::string err;
};

CliRun Chimectl(std::vector<const char*> args, std::shared_ptr<FakeTransport> transport) {
  static MapEnvironment env({{"AWS_ACCESS_KEY_ID", "AKIDTEST"},
                             {"AWS_SECRET_ACCESS_KEY", "SECRETSECRET"},
                             {"HOME", "/nonexistent"}});
  args.insert(args.begin(), "chimectl");
  args.push_back("--endpoint-url");
  args.push_back("http://127.0.0.1:1");
  args.push_back("--max-attempts");
  args.push_back("1");
  std::ostringstream out, err;
  int code = RunChimectl(static_cast<int>(args.size()), args.data(), out, err, {transport, &env});
  return {code, out.str(), err.str()};
}

TEST(ChimectlTest, ResetPersonalPinPrintsTheAwsCliJson) {
  auto t = std::make_shared<FakeTransport>();
  t->script.push_back(FakeTransport::Json(
      200, R"({"User":{"PersonalPIN":"0123456789","AccountId":"a","UserId":"u"}})"));
  CliRun r = Chimectl({"reset-personal-pin", "--account-id", "a", "--user-id", "u"}, t);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "{\n    \"User\": {\n        \"UserId\": \"u\",\n        \"AccountId\": \"a\",\n"
            "        \"PersonalPIN\": \"0123456789\"\n    }\n}\n");
  ASSERT_EQ(t->requests.size(), 1u);
  EXPECT_EQ(t->requests[0].target, "/accounts/a/users/u?operation=reset-personal-pin");
}

TEST(ChimectlTest, ExitCodesSeparateUsageClientAndServerErrors) {
  auto t = std::make_shared<FakeTransport>();
  EXPECT_EQ(Chimectl({"get-user", "--account-id", "a"}, t).code, 2);  // missing --user-id
  EXPECT_EQ(Chimectl({"no-such-command"}, t).code, 2);
  EXPECT_EQ(Chimectl({"get-user", "--account-id", "a", "--user-id", ""}, t).code, 2);
  EXPECT_TRUE(t->requests.empty());

  t->script.push_back(FakeTransport::ErrorResponse(404, "NotFoundException", "NotFound"));
  CliRun nf = Chimectl({"get-user", "--account-id", "a", "--user-id", "u"}, t);
  EXPECT_EQ(nf.code, 254);
  EXPECT_NE(nf.err.find("An error occurred (NotFoundException) when calling the GetUser "
                        "operation (reached max retries: 0): scripted NotFound"),
            std::string::npos)
      << nf.err;

  t->script.push_back(
      FakeTransport::ErrorResponse(500, "ServiceFailureException", "ServiceFailure"));
  EXPECT_EQ(Chimectl({"get-user", "--account-id", "a", "--user-id", "u"}, t).code, 255);
  t->script.push_back(MakeLocalError(ErrorKind::kNetwork, "EndpointConnectionError", "refused"));
  EXPECT_EQ(Chimectl({"get-user", "--account-id", "a", "--user-id", "u"}, t).code, 255);
}

TEST(ChimectlTest, HelpAtEveryLevel) {
  auto t = std::make_shared<FakeTransport>();
  CliRun top = Chimectl({"--help"}, t);
  EXPECT_EQ(top.code, 0);
  EXPECT_NE(top.out.find("reset-personal-pin"), std::string::npos);
  EXPECT_NE(top.out.find("Exit codes"), std::string::npos);
  CliRun sub = Chimectl({"reset-personal-pin", "--help"}, t);
  EXPECT_EQ(sub.code, 0);
  EXPECT_NE(sub.out.find("--account-id"), std::string::npos);
  EXPECT_NE(sub.out.find("Resets the personal meeting PIN"), std::string::npos);
}

TEST(ChimectlTest, ListUsersMergesPagesAndHonoursMaxItems) {
  auto t = std::make_shared<FakeTransport>();
  t->script.push_back(FakeTransport::Json(200, R"({"Users":[{"UserId":"1"}],"NextToken":"n1"})"));
  t->script.push_back(FakeTransport::Json(200, R"({"Users":[{"UserId":"2"}]})"));
  CliRun all = Chimectl({"list-users", "--account-id", "a", "--output", "text"}, t);
  EXPECT_EQ(all.code, 0) << all.err;
  EXPECT_EQ(all.out, "USERS\t1\nUSERS\t2\n");

  t->requests.clear();
  t->script.push_back(FakeTransport::Json(200, R"({"Users":[{"UserId":"1"}],"NextToken":"n1"})"));
  CliRun one =
      Chimectl({"list-users", "--account-id", "a", "--max-items", "1", "--output", "text"}, t);
  EXPECT_EQ(one.out, "n1\nUSERS\t1\n");
  ASSERT_EQ(t->requests.size(), 1u);
  EXPECT_EQ(t->requests[0].target, "/accounts/a/users?max-results=1");
}

TEST(ChimectlTest, DebugNeverShowsSecrets) {
  auto t = std::make_shared<FakeTransport>();
  t->script.push_back(
      FakeTransport::Json(200, R"({"User":{"UserId":"u","PersonalPIN":"5550001234"}})"));
  CliRun r = Chimectl({"--debug", "reset-personal-pin", "--account-id", "a", "--user-id", "u"}, t);
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.err.find("chimectl debug: > POST"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("SECRETSECRET"), std::string::npos);
  EXPECT_EQ(r.err.find("5550001234"), std::string::npos);
  std::string auth = *t->requests[0].Header("Authorization");
  EXPECT_EQ(r.err.find(auth.substr(auth.find("Signature=") + 10)), std::string::npos);
  EXPECT_NE(r.out.find("5550001234"), std::string::npos);  // the result itself carries the PIN
}

TEST(ChimectlTest, StructureFlagsReachTheWire) {
  auto t = std::make_shared<FakeTransport>();
  t->script.push_back(FakeTransport::Json(204, ""));
  CliRun r =
      Chimectl({"update-user-settings", "--account-id", "a", "--user-id", "u", "--user-settings",
                "Telephony={InboundCalling=true,OutboundCalling=true,SMS=false}"},
               t);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(t->requests[0].body,
            R"({"UserSettings": {"Telephony": {"InboundCalling": true, "OutboundCalling": true, )"
            R"("SMS": false}}})");
  EXPECT_EQ(Chimectl({"update-user-settings", "--account-id", "a", "--user-id", "u",
                      "--user-settings", "Telephony={SMS=perhaps}"},
                     t)
                .code,
            2);
}

}  // namespace
}  // namespace chime::client::cli
