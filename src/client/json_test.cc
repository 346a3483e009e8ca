// DumpJson reproduces Python's json.dumps, which botocore (bodies) and the AWS CLI (output) use.
#include <gtest/gtest.h>

#include "client/json_dump.h"
#include "client/shape_json.h"

namespace chime::client {
namespace {

rapidjson::Document Parse(const char* text) {
  rapidjson::Document d;
  d.Parse(text);
  return d;
}

TEST(JsonDumpTest, CompactLikeJsonDumps) {
  auto d = Parse(R"({"a":[1,true,null,"x"],"b":{},"c":[],"d":-5})");
  EXPECT_EQ(DumpJson(d), R"({"a": [1, true, null, "x"], "b": {}, "c": [], "d": -5})");
}

TEST(JsonDumpTest, EnsureAsciiEscapesLikePython) {
  auto d =
      Parse("{\"n\":\"Z\xc3\xbcrich \\\"t\\\" \\\\ \xe6\x97\xa5 \xf0\x9f\x98\x80 \\u0001\\n\"}");
  EXPECT_EQ(DumpJson(d), R"({"n": "Z\u00fcrich \"t\" \\ \u65e5 \ud83d\ude00 \u0001\n"})");
  EXPECT_EQ(DumpJson(d, {.indent = -1, .ensure_ascii = false}),
            "{\"n\": \"Z\xc3\xbcrich \\\"t\\\" \\\\ \xe6\x97\xa5 \xf0\x9f\x98\x80 \\u0001\\n\"}");
}

TEST(JsonDumpTest, IndentLikeTheAwsCli) {
  auto d = Parse(R"({"User":{"UserId":"u","L":["a","b"],"E":[],"O":{}}})");
  EXPECT_EQ(DumpJson(d, {.indent = 4, .ensure_ascii = false}),
            "{\n    \"User\": {\n        \"UserId\": \"u\",\n        \"L\": [\n            \"a\",\n"
            "            \"b\"\n        ],\n        \"E\": [],\n        \"O\": {}\n    }\n}");
}

TEST(ShapeJsonTest, AccountRoundTripsInModelOrder) {
  auto d = Parse(R"({"AccountStatus":"Active","Name":"n","AccountId":"id","AwsAccountId":"123",
    "SupportedLicenses":["Basic","Pro"],"SigninDelegateGroups":[{"GroupName":"g"}],
    "CreatedTimestamp":"2018-12-20T18:45:25.231Z","AccountType":"Team","DefaultLicense":"Pro"})");
  Account a = AccountFromJson(d);
  rapidjson::Document out;
  rapidjson::Value v = ToJson(a, out.GetAllocator());
  EXPECT_EQ(DumpJson(v),
            R"({"AwsAccountId": "123", "AccountId": "id", "Name": "n", "AccountType": "Team", )"
            R"("CreatedTimestamp": "2018-12-20T18:45:25.231Z", "DefaultLicense": "Pro", )"
            R"("SupportedLicenses": ["Basic", "Pro"], "AccountStatus": "Active", )"
            R"("SigninDelegateGroups": [{"GroupName": "g"}]})");
}

}  // namespace
}  // namespace chime::client
