// Retries through the whole client, with a scripted transport, a fake clock and a fake sleeper:
// attempt counts, which statuses are retried, backoff bounds, Retry-After, the retry quota.
#include <gtest/gtest.h>

#include "client/test_fakes.h"

namespace chime::client {
namespace {

using testing::FakeClientSetup;
using testing::FakeTransport;

constexpr char kUserBody[] = R"({"User":{"UserId":"u1","PersonalPIN":"0123456789"}})";

class ClientRetryTest : public ::testing::Test {
 protected:
  std::unique_ptr<Client> Make(int max_attempts = 3) {
    ClientOptions o = setup_.Options();
    o.max_attempts = max_attempts;
    o.retry.base_delay_ms = 100;
    o.retry.max_backoff_ms = 2000;
    return setup_.Make(o);
  }
  void Script(Result<http::Response> r) { setup_.transport->script.push_back(std::move(r)); }
  size_t Sent() const { return setup_.transport->requests.size(); }

  FakeClientSetup setup_;
};

TEST_F(ClientRetryTest, ServiceUnavailableThenSuccess) {
  auto client = Make();
  Script(FakeTransport::ErrorResponse(503, "ServiceUnavailableException", "ServiceUnavailable"));
  Script(FakeTransport::Json(200, kUserBody));
  auto user = client->ResetPersonalPin({"a", "u1"});
  ASSERT_TRUE(user.ok()) << user.error().ToString();
  EXPECT_EQ(user->personal_pin, "0123456789");
  EXPECT_EQ(Sent(), 2u);
  ASSERT_EQ(setup_.sleeper.delays.size(), 1u);
  EXPECT_LE(setup_.sleeper.delays[0], 100);
  // Each attempt is signed anew and says which attempt it is.
  EXPECT_EQ(*setup_.transport->requests[1].Header("amz-sdk-request"), "attempt=2; max=3");
}

TEST_F(ClientRetryTest, EveryTransientStatusIsRetriedUpToMaxAttempts) {
  for (int status : {500, 502, 503, 504}) {
    SCOPED_TRACE(status);
    FakeClientSetup setup;
    ClientOptions o = setup.Options();
    o.max_attempts = 4;
    auto client = setup.Make(o);
    for (int i = 0; i < 10; ++i) {
      setup.transport->script.push_back(FakeTransport::Json(status, "{}"));
    }
    auto r = client->GetUser({"a", "u"});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().http_status, status);
    EXPECT_EQ(r.error().attempts, 4);
    EXPECT_EQ(setup.transport->requests.size(), 4u);
    EXPECT_EQ(setup.sleeper.delays.size(), 3u);
  }
}

TEST_F(ClientRetryTest, BackoffGrowsWithinCap) {
  auto client = Make(6);
  for (int i = 0; i < 6; ++i) Script(FakeTransport::Json(502, "bad gateway"));
  auto r = client->GetUser({"a", "u"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kUnknownService);
  EXPECT_EQ(r.error().name, "HTTP502");
  ASSERT_EQ(setup_.sleeper.delays.size(), 5u);
  const int64_t ceilings[] = {100, 200, 400, 800, 1600};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_GE(setup_.sleeper.delays[i], 0);
    EXPECT_LE(setup_.sleeper.delays[i], ceilings[i]) << i;
  }
}

TEST_F(ClientRetryTest, ThrottlingIsRetriedHonouringRetryAfter) {
  auto client = Make();
  Script(FakeTransport::ErrorResponse(429, "ThrottledClientException", "Throttled",
                                      {{"Retry-After", "2"}, {"x-amz-retry-after", "1500"}}));
  Script(FakeTransport::ErrorResponse(429, "ThrottledClientException", "Throttled",
                                      {{"Retry-After", "3"}}));
  Script(FakeTransport::Json(200, kUserBody));
  int64_t before = setup_.clock.NowMs();
  auto user = client->GetUser({"a", "u1"});
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(setup_.sleeper.delays, (std::vector<int64_t>{1500, 3000}));
  EXPECT_EQ(setup_.clock.NowMs() - before, 4500);
}

TEST_F(ClientRetryTest, ClientErrorsAreNeverRetried) {
  struct Case {
    int status;
    const char* shape;
    const char* code;
    ErrorKind kind;
  };
  for (const Case& c :
       {Case{400, "BadRequestException", "BadRequest", ErrorKind::kBadRequest},
        Case{401, "UnauthorizedClientException", "Unauthorized", ErrorKind::kUnauthorizedClient},
        Case{403, "ForbiddenException", "Forbidden", ErrorKind::kForbidden},
        Case{404, "NotFoundException", "NotFound", ErrorKind::kNotFound},
        Case{409, "ConflictException", "Conflict", ErrorKind::kConflict},
        Case{422, "UnprocessableEntityException", "Unprocessable",
             ErrorKind::kUnprocessableEntity}}) {
    SCOPED_TRACE(c.shape);
    FakeClientSetup setup;
    auto client = setup.Make();
    setup.transport->script.push_back(FakeTransport::ErrorResponse(c.status, c.shape, c.code));
    auto r = client->ResetPersonalPin({"a", "u"});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, c.kind);
    EXPECT_EQ(r.error().attempts, 1);
    EXPECT_EQ(setup.transport->requests.size(), 1u);
    EXPECT_TRUE(setup.sleeper.delays.empty());
  }
}

TEST_F(ClientRetryTest, NetworkErrorsAreRetried) {
  auto client = Make();
  Script(MakeLocalError(ErrorKind::kNetwork, "ConnectionError", "connection refused"));
  Script(MakeLocalError(ErrorKind::kTimeout, "ReadTimeoutError", "timed out"));
  Script(FakeTransport::Json(200, kUserBody));
  auto user = client->GetUser({"a", "u1"});
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(Sent(), 3u);
}

TEST_F(ClientRetryTest, MaxAttemptsOneDisablesRetries) {
  auto client = Make(1);
  Script(FakeTransport::Json(503, "{}"));
  auto r = client->GetUser({"a", "u"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kServiceUnavailable);  // from the status alone
  EXPECT_EQ(Sent(), 1u);
}

TEST_F(ClientRetryTest, ExhaustedQuotaStopsRetryingAcrossCalls) {
  ClientOptions o = setup_.Options();
  o.max_attempts = 5;
  o.retry.quota_capacity = 10;  // two retries' worth
  auto client = setup_.Make(o);
  for (int i = 0; i < 20; ++i) Script(FakeTransport::Json(500, "{}"));
  auto first = client->GetUser({"a", "u"});
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().attempts, 3);  // 1 + 2 retries, then the quota is empty
  auto second = client->GetUser({"a", "u"});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().attempts, 1);  // no tokens left: no retry at all
  EXPECT_EQ(client->retry_policy().quota().available(), 0);
  EXPECT_EQ(Sent(), 4u);
}

TEST_F(ClientRetryTest, SuccessfulCallsRefillTheQuota) {
  ClientOptions o = setup_.Options();
  o.retry.quota_capacity = 10;
  auto client = setup_.Make(o);
  Script(FakeTransport::Json(500, "{}"));
  Script(FakeTransport::Json(200, kUserBody));
  ASSERT_TRUE(client->GetUser({"a", "u"}).ok());
  EXPECT_EQ(client->retry_policy().quota().available(), 10);  // the retry's 5 came back
  Script(FakeTransport::Json(500, "{}"));
  Script(FakeTransport::Json(500, "{}"));
  Script(FakeTransport::Json(500, "{}"));
  ASSERT_FALSE(client->GetUser({"a", "u"}).ok());
  EXPECT_EQ(client->retry_policy().quota().available(), 0);
  Script(FakeTransport::Json(200, kUserBody));
  ASSERT_TRUE(client->GetUser({"a", "u"}).ok());
  EXPECT_EQ(client->retry_policy().quota().available(), 1);
}

}  // namespace
}  // namespace chime::client
