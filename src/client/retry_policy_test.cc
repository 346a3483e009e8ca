// The retry policy on its own: classification, backoff bounds, Retry-After, the quota.
#include "client/retry_policy.h"

#include <gtest/gtest.h>

#include "client/test_fakes.h"

namespace chime::client {
namespace {

using testing::SeededRandom;

Error Status(int status, ErrorKind kind = ErrorKind::kUnknownService) {
  Error e;
  e.kind = kind;
  e.http_status = status;
  return e;
}

TEST(RetryPolicyTest, ClassifiesLikeStandardMode) {
  EXPECT_EQ(Classify(Status(500)), RetryClass::kTransient);
  EXPECT_EQ(Classify(Status(502)), RetryClass::kTransient);
  EXPECT_EQ(Classify(Status(503)), RetryClass::kTransient);
  EXPECT_EQ(Classify(Status(504)), RetryClass::kTransient);
  EXPECT_EQ(Classify(Status(429)), RetryClass::kThrottling);
  EXPECT_EQ(Classify(Status(400, ErrorKind::kThrottledClient)), RetryClass::kThrottling);
  EXPECT_EQ(Classify(MakeLocalError(ErrorKind::kNetwork, "ConnectionError", "x")),
            RetryClass::kTransient);
  EXPECT_EQ(Classify(MakeLocalError(ErrorKind::kTimeout, "ReadTimeoutError", "x")),
            RetryClass::kTimeout);
  for (int s : {400, 401, 403, 404, 409, 422, 501, 505}) {
    EXPECT_EQ(Classify(Status(s)), RetryClass::kNotRetryable) << s;
  }
  EXPECT_EQ(Classify(MakeLocalError(ErrorKind::kInvalidParameter, "P", "x")),
            RetryClass::kNotRetryable);
}

TEST(RetryPolicyTest, FullJitterStaysWithinCappedExponentialBounds) {
  SeededRandom random(7);
  RetryOptions o;
  o.base_delay_ms = 100;
  o.max_backoff_ms = 1000;
  RetryPolicy policy(o, random);
  for (int retry = 1; retry <= 8; ++retry) {
    int64_t ceiling = std::min<int64_t>(1000, 100LL << (retry - 1));
    int64_t lo = INT64_MAX, hi = 0;
    for (int i = 0; i < 2000; ++i) {
      int64_t d = policy.Backoff(retry);
      ASSERT_GE(d, 0);
      ASSERT_LE(d, ceiling) << "retry " << retry;
      lo = std::min(lo, d);
      hi = std::max(hi, d);
    }
    // Full jitter: the whole range is used, not just values near the ceiling.
    EXPECT_LT(lo, ceiling / 10) << retry;
    EXPECT_GT(hi, ceiling * 9 / 10) << retry;
  }
}

TEST(RetryPolicyTest, StopsAtMaxAttempts) {
  SeededRandom random(1);
  RetryOptions o;
  o.max_attempts = 3;
  RetryPolicy policy(o, random);
  EXPECT_TRUE(policy.OnFailure(Status(503), 1, std::nullopt).retry);
  EXPECT_TRUE(policy.OnFailure(Status(503), 2, std::nullopt).retry);
  auto d = policy.OnFailure(Status(503), 3, std::nullopt);
  EXPECT_FALSE(d.retry);
  EXPECT_NE(d.reason.find("max attempts"), std::string::npos);
}

TEST(RetryPolicyTest, RetryAfterIsHonouredAndCapped) {
  SeededRandom random(1);
  RetryOptions o;
  o.max_attempts = 5;
  o.max_retry_after_ms = 5000;
  RetryPolicy policy(o, random);
  EXPECT_EQ(policy.OnFailure(Status(429), 1, 1234).delay_ms, 1234);
  EXPECT_EQ(policy.OnFailure(Status(503), 1, 60'000).delay_ms, 5000);
  EXPECT_EQ(policy.OnFailure(Status(503), 1, 0).delay_ms, 0);
}

TEST(RetryPolicyTest, RetryAfterHeaders) {
  http::Response r;
  EXPECT_EQ(RetryAfterMs(r), std::nullopt);
  r.headers = {{"Retry-After", "3"}};
  EXPECT_EQ(RetryAfterMs(r), 3000);
  r.headers = {{"Retry-After", "3"}, {"x-amz-retry-after", "250"}};
  EXPECT_EQ(RetryAfterMs(r), 250);  // the precise one wins
  r.headers = {{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}};
  EXPECT_EQ(RetryAfterMs(r), std::nullopt);
  r.headers = {{"Retry-After", "-1"}};
  EXPECT_EQ(RetryAfterMs(r), std::nullopt);
}

TEST(RetryPolicyTest, QuotaDrainsAndRefills) {
  SeededRandom random(1);
  RetryOptions o;
  o.max_attempts = 10;
  o.quota_capacity = 12;
  RetryPolicy policy(o, random);
  EXPECT_TRUE(policy.OnFailure(Status(500), 1, std::nullopt).retry);  // 12 -> 7
  EXPECT_TRUE(policy.OnFailure(Status(500), 2, std::nullopt).retry);  // 7 -> 2
  auto d = policy.OnFailure(Status(500), 3, std::nullopt);
  EXPECT_FALSE(d.retry);
  EXPECT_NE(d.reason.find("quota"), std::string::npos);
  EXPECT_EQ(policy.quota().available(), 2);
  policy.OnSuccess(5);  // a retried call that succeeded gives back its retry's cost
  EXPECT_EQ(policy.quota().available(), 7);
  policy.OnSuccess(0);  // a first-try success adds one
  EXPECT_EQ(policy.quota().available(), 8);
  for (int i = 0; i < 20; ++i) policy.OnSuccess(0);
  EXPECT_EQ(policy.quota().available(), 12);  // never above capacity
}

TEST(RetryPolicyTest, TimeoutsCostMore) {
  SeededRandom random(1);
  RetryOptions o;
  o.quota_capacity = 15;
  RetryPolicy policy(o, random);
  auto d = policy.OnFailure(MakeLocalError(ErrorKind::kTimeout, "ReadTimeoutError", "t"), 1,
                            std::nullopt);
  EXPECT_TRUE(d.retry);
  EXPECT_EQ(d.cost, 10);
  EXPECT_EQ(policy.quota().available(), 5);
}

}  // namespace
}  // namespace chime::client
