// Error responses become typed errors; local validation happens before anything is sent;
// --debug lines never carry secrets.
#include <gtest/gtest.h>

#include "client/paginators.h"
#include "client/redact.h"
#include "client/service_error.h"
#include "client/test_fakes.h"

namespace chime::client {
namespace {

using testing::FakeClientSetup;
using testing::FakeTransport;

TEST(ServiceErrorTest, EveryModelledShapeHasItsKind) {
  struct Case {
    const char* shape;
    int status;
    ErrorKind kind;
  };
  for (const Case& c :
       {Case{"BadRequestException", 400, ErrorKind::kBadRequest},
        Case{"UnauthorizedClientException", 401, ErrorKind::kUnauthorizedClient},
        Case{"ForbiddenException", 403, ErrorKind::kForbidden},
        Case{"AccessDeniedException", 403, ErrorKind::kAccessDenied},
        Case{"NotFoundException", 404, ErrorKind::kNotFound},
        Case{"ConflictException", 409, ErrorKind::kConflict},
        Case{"UnprocessableEntityException", 422, ErrorKind::kUnprocessableEntity},
        Case{"ResourceLimitExceededException", 400, ErrorKind::kResourceLimitExceeded},
        Case{"ThrottledClientException", 429, ErrorKind::kThrottledClient},
        Case{"ServiceFailureException", 500, ErrorKind::kServiceFailure},
        Case{"ServiceUnavailableException", 503, ErrorKind::kServiceUnavailable}}) {
    http::Response r = FakeTransport::ErrorResponse(c.status, c.shape, "Code1");
    Error e = ServiceErrorFromResponse(r);
    EXPECT_EQ(e.kind, c.kind) << c.shape;
    EXPECT_EQ(e.name, c.shape);
    EXPECT_EQ(e.code, "Code1");
    EXPECT_EQ(e.message, "scripted Code1");
    EXPECT_EQ(e.http_status, c.status);
    EXPECT_EQ(e.request_id, "req-" + std::to_string(c.status));
  }
}

TEST(ServiceErrorTest, FallbacksWhenTheServerSaysLess) {
  http::Response r;
  r.status = 404;
  r.headers = {{"x-amzn-ErrorType", "NotFoundException:http://internal.amazon.com/"}};
  EXPECT_EQ(ServiceErrorFromResponse(r).name, "NotFoundException");
  r.headers = {};
  r.body = R"({"__type":"com.amazon#ConflictException","message":"m"})";
  r.status = 409;
  Error e = ServiceErrorFromResponse(r);
  EXPECT_EQ(e.kind, ErrorKind::kConflict);
  EXPECT_EQ(e.message, "m");
  r.body = "<html>proxy</html>";
  r.status = 503;
  e = ServiceErrorFromResponse(r);
  EXPECT_EQ(e.kind, ErrorKind::kServiceUnavailable);
  EXPECT_TRUE(e.IsServerError());
  r.status = 418;
  e = ServiceErrorFromResponse(r);
  EXPECT_EQ(e.kind, ErrorKind::kUnknownService);
  EXPECT_EQ(e.name, "HTTP418");
  EXPECT_TRUE(e.IsClientError());
}

TEST(ClientValidationTest, EmptyPathLabelIsRejectedBeforeSending) {
  FakeClientSetup setup;
  auto client = setup.Make();
  auto r = client->ResetPersonalPin({"acct", ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidParameter);
  EXPECT_EQ(r.error().name, "ParamValidationError");
  EXPECT_NE(r.error().message.find("UserId"), std::string::npos);
  EXPECT_TRUE(setup.transport->requests.empty());
}

TEST(ClientValidationTest, SuccessWithoutTheModelledMemberIsInvalidResponse) {
  FakeClientSetup setup;
  auto client = setup.Make();
  setup.transport->script.push_back(FakeTransport::Json(200, R"({"Nope":{}})"));
  auto r = client->GetUser({"a", "u"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidResponse);
}

TEST(ClientDecodeTest, DecodesEveryUserMember) {
  FakeClientSetup setup;
  auto client = setup.Make();
  setup.transport->script.push_back(FakeTransport::Json(200, R"({"User":{
    "UserId":"u","AccountId":"a","PrimaryEmail":"e@x.com","PrimaryProvisionedNumber":"+1555",
    "DisplayName":"D","LicenseType":"Pro","UserType":"PrivateUser",
    "UserRegistrationStatus":"Registered","UserInvitationStatus":"Accepted",
    "RegisteredOn":"2018-12-20T18:45:25.231Z","InvitedOn":"2018-12-20T18:45:25.000Z",
    "AlexaForBusinessMetadata":{"IsAlexaForBusinessEnabled":true,"AlexaForBusinessRoomArn":"arn"},
    "PersonalPIN":"0000000001","Unknown":42}})"));
  auto u = client->GetUser({"a", "u"});
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->user_id, "u");
  EXPECT_EQ(u->primary_provisioned_number, "+1555");
  EXPECT_EQ(u->user_invitation_status, "Accepted");
  EXPECT_EQ(u->invited_on, "2018-12-20T18:45:25.000Z");
  ASSERT_TRUE(u->alexa_for_business_metadata);
  EXPECT_EQ(u->alexa_for_business_metadata->is_alexa_for_business_enabled, true);
  EXPECT_EQ(u->personal_pin, "0000000001");
}

TEST(PaginatorTest, FollowsNextTokenUntilAbsent) {
  FakeClientSetup setup;
  auto client = setup.Make();
  setup.transport->script.push_back(
      FakeTransport::Json(200, R"({"Users":[{"UserId":"1"},{"UserId":"2"}],"NextToken":"t/1"})"));
  setup.transport->script.push_back(
      FakeTransport::Json(200, R"({"Users":[{"UserId":"3"}],"NextToken":"t2"})"));
  setup.transport->script.push_back(FakeTransport::Json(200, R"({"Users":[{"UserId":"4"}]})"));
  ListUsersRequest req;
  req.account_id = "a";
  req.max_results = 2;
  auto all = ListAllUsers(*client, req);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[3].user_id, "4");
  ASSERT_EQ(setup.transport->requests.size(), 3u);
  EXPECT_EQ(setup.transport->requests[1].target,
            "/accounts/a/users?max-results=2&next-token=t%2F1");
}

TEST(PaginatorTest, RepeatedTokenStops) {
  FakeClientSetup setup;
  auto client = setup.Make();
  for (int i = 0; i < 3; ++i) {
    setup.transport->script.push_back(
        FakeTransport::Json(200, R"({"Accounts":[],"NextToken":"same"})"));
  }
  auto all = ListAllAccounts(*client);
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.error().name, "PaginationError");
  EXPECT_EQ(setup.transport->requests.size(), 2u);
}

TEST(DebugLogTest, NeverShowsSecretsSignaturesTokensOrPins) {
  FakeClientSetup setup;
  ClientOptions o = setup.Options();
  o.credentials->session_token = "SESSIONTOKENVALUE";
  std::vector<std::string> lines;
  o.debug_log = [&](std::string_view l) { lines.emplace_back(l); };
  auto client = setup.Make(o);
  setup.transport->script.push_back(
      FakeTransport::Json(200, R"({"User":{"UserId":"u","PersonalPIN":"9876543210"}})"));
  ASSERT_TRUE(client->ResetPersonalPin({"a", "u"}).ok());
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  std::string sig = *setup.transport->requests[0].Header("Authorization");
  sig = sig.substr(sig.find("Signature=") + 10);
  EXPECT_EQ(all.find("wJalrXUtnFEMI"), std::string::npos);
  EXPECT_EQ(all.find("SESSIONTOKENVALUE"), std::string::npos);
  EXPECT_EQ(all.find("9876543210"), std::string::npos);
  EXPECT_EQ(all.find(sig), std::string::npos);
  EXPECT_NE(all.find("Credential=AKIDEXAMPLE/"), std::string::npos) << all;
  EXPECT_NE(all.find("HTTP 200"), std::string::npos);
}

TEST(RedactTest, BodiesAndHeaders) {
  EXPECT_EQ(RedactBody(R"({"a":{"personalpin":"1","b":[{"Password":"x"}]}})"),
            R"({"a": {"personalpin": "[redacted]", "b": [{"Password": "[redacted]"}]}})");
  EXPECT_EQ(RedactBody("not json 0123456789"), "<19 bytes, not JSON>");
  EXPECT_EQ(RedactHeader("x-amz-security-token", "t"), "[redacted]");
  EXPECT_EQ(RedactHeader("authorization", "AWS4-HMAC-SHA256 Credential=A/s, Signature=abc"),
            "AWS4-HMAC-SHA256 Credential=A/s, Signature=[redacted]");
  EXPECT_EQ(RedactHeader("Host", "h"), "h");
}

}  // namespace
}  // namespace chime::client
