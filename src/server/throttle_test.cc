#include "server/throttle.h"

#include <gtest/gtest.h>

namespace chime::server {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

api::Route RouteFor(api::Op op, std::vector<std::string> labels = {}) {
  return api::Route{op, std::move(labels), {}};
}

api::Caller CallerFor(std::string key) {
  api::Caller c;
  c.principal = std::move(key);
  return c;
}

TEST(ParseRateLimit, AcceptsBurstColonRate) {
  auto r = ParseRateLimit("10:5");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->burst, 10);
  EXPECT_EQ(r->per_second, 5);
  EXPECT_EQ(ParseRateLimit("5:0.01")->per_second, 0.01);
  EXPECT_FALSE(ParseRateLimit("0:0")->enabled());
  for (const char* bad : {"", "10", ":5", "10:", "a:b", "-1:5", "10:5x", "10:nan"}) {
    EXPECT_FALSE(ParseRateLimit(bad)) << bad;
  }
}

TEST(TokenBuckets, BurstThenSustainedRateWithRetryHint) {
  TokenBuckets buckets(1000);
  RateLimit limit{10, 5};
  int retry = 0;
  int64_t t = 100 * kSecond;
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(buckets.Take("k", limit, t, &retry)) << i;
  EXPECT_FALSE(buckets.Take("k", limit, t, &retry));
  EXPECT_EQ(retry, 200);  // one token per 200 ms
  EXPECT_FALSE(buckets.Take("k", limit, t + 150'000'000, &retry));
  EXPECT_EQ(retry, 50);
  EXPECT_TRUE(buckets.Take("k", limit, t + 200'000'000, &retry));
  // Another key has its own bucket.
  EXPECT_TRUE(buckets.Take("other", limit, t, &retry));
  // A long pause refills to the burst, not beyond.
  int admitted = 0;
  for (int i = 0; i < 30; ++i) admitted += buckets.Take("k", limit, t + 3600 * kSecond, &retry);
  EXPECT_EQ(admitted, 10);
}

TEST(TokenBuckets, TwentySecondFloodAdmitsBurstPlusRateTimesDuration) {
  TokenBuckets buckets(1000);
  RateLimit limit{10, 5};
  int retry = 0;
  int admitted = 0;
  // A request every millisecond for 20 s.
  for (int64_t ms = 0; ms < 20'000; ++ms) {
    admitted += buckets.Take("k", limit, ms * 1'000'000, &retry);
  }
  EXPECT_NEAR(admitted, 10 + 5 * 20, 1);
}

TEST(TokenBuckets, MemoryIsBounded) {
  TokenBuckets buckets(160);
  RateLimit limit{2, 1};
  int retry = 0;
  for (int i = 0; i < 10'000; ++i) buckets.Take("key" + std::to_string(i), limit, 0, &retry);
  EXPECT_LE(buckets.size(), 160u);
}

TEST(Throttler, PerKeyBucketsAreIndependent) {
  FakeClock clock;
  ThrottleOptions o;
  o.per_key = {2, 1};
  Throttler t(o, clock);
  auto route = RouteFor(api::Op::kListAccounts);
  EXPECT_TRUE(t.Check(CallerFor("A"), api::Op::kListAccounts, route).ok());
  EXPECT_TRUE(t.Check(CallerFor("A"), api::Op::kListAccounts, route).ok());
  Status s = t.Check(CallerFor("A"), api::Op::kListAccounts, route);
  EXPECT_EQ(s.code(), Code::kResourceExhausted);
  EXPECT_EQ(s.retry_after_ms(), 1000);
  EXPECT_TRUE(t.Check(CallerFor("B"), api::Op::kListAccounts, route).ok());
  clock.AdvanceMs(1000);
  EXPECT_TRUE(t.Check(CallerFor("A"), api::Op::kListAccounts, route).ok());
}

TEST(Throttler, PerOperationBucketAndRefundOfTheKeyToken) {
  FakeClock clock;
  ThrottleOptions o;
  o.per_key = {3, 0.001};
  o.per_key_op[static_cast<size_t>(api::Op::kGetUser)] = RateLimit{1, 0.001};
  Throttler t(o, clock);
  auto get = RouteFor(api::Op::kGetUser, {"a", "u"});
  auto list = RouteFor(api::Op::kListAccounts);
  auto caller = CallerFor("K");
  EXPECT_TRUE(t.Check(caller, api::Op::kGetUser, get).ok());
  // The GetUser bucket is empty; its refusal must not spend the key's tokens.
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(t.Check(caller, api::Op::kGetUser, get).code(), Code::kResourceExhausted);
  }
  EXPECT_TRUE(t.Check(caller, api::Op::kListAccounts, list).ok());
  EXPECT_TRUE(t.Check(caller, api::Op::kListAccounts, list).ok());
  EXPECT_EQ(t.Check(caller, api::Op::kListAccounts, list).code(), Code::kResourceExhausted);
}

TEST(Throttler, PinResetsArecappedPerUserWhoeverCalls) {
  FakeClock clock;
  ThrottleOptions o;
  o.per_key = {1000, 1000};
  o.pin_reset_per_user = {3, 1.0 / 60};
  Throttler t(o, clock);
  auto user1 = RouteFor(api::Op::kResetPersonalPIN, {"acct", "user1"});
  auto user2 = RouteFor(api::Op::kResetPersonalPIN, {"acct", "user2"});
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(t.Check(CallerFor(i % 2 ? "A" : "B"), api::Op::kResetPersonalPIN, user1).ok());
  }
  Status s = t.Check(CallerFor("C"), api::Op::kResetPersonalPIN, user1);
  EXPECT_EQ(s.code(), Code::kResourceExhausted);
  EXPECT_EQ(s.retry_after_ms(), 60'000);
  EXPECT_TRUE(t.Check(CallerFor("C"), api::Op::kResetPersonalPIN, user2).ok());
  // GetUser on the same user is not a reset.
  EXPECT_TRUE(t.Check(CallerFor("C"), api::Op::kGetUser, user1).ok());
  clock.AdvanceMs(60'000);
  EXPECT_TRUE(t.Check(CallerFor("C"), api::Op::kResetPersonalPIN, user1).ok());
}

TEST(Throttler, DisabledLimitsNeverRefuse) {
  FakeClock clock;
  ThrottleOptions o;
  o.per_key = {0, 0};
  o.pin_reset_per_user = {0, 0};
  Throttler t(o, clock);
  auto route = RouteFor(api::Op::kResetPersonalPIN, {"a", "u"});
  for (int i = 0; i < 10'000; ++i) {
    ASSERT_TRUE(t.Check(CallerFor("K"), api::Op::kResetPersonalPIN, route).ok());
  }
}

}  // namespace
}  // namespace chime::server
