#include "model/pin.h"

#include <gtest/gtest.h>

#include <array>
#include <set>

#include "common/testing/scripted_random.h"

namespace chime::model {
namespace {

using ::chime::testing::ScriptedRandom;

TEST(Pin, GuessableValues) {
  for (const char* p : {"0000000000", "7777777777", "0123456789", "1234567890", "9876543210",
                        "5678901234", "3210987654"}) {
    EXPECT_TRUE(IsGuessablePin(p)) << p;
  }
  for (const char* p : {"0123456780", "1122334455", "0000000001", "8675309123"}) {
    EXPECT_FALSE(IsGuessablePin(p)) << p;
  }
}

TEST(Pin, CandidateIsTenDigitsWithLeadingZeros) {
  ScriptedRandom r({42});
  EXPECT_EQ(DrawPinCandidate(r), "0000000042");
}

TEST(Pin, GuessableCandidatesAreSkipped) {
  ScriptedRandom r({0, 123456789, 9876543210ULL, 5550001234ULL});
  EXPECT_EQ(DrawPinCandidate(r), "5550001234");
}

TEST(Pin, CollisionsAreRetriedUntilAFreePin) {
  ScriptedRandom r({1111100000ULL, 2222200000ULL, 3333300000ULL});
  std::set<std::string> taken = {"1111100000", "2222200000"};
  int asked = 0;
  auto pin = AllocatePin(
      r,
      [&](const std::string& p) -> StatusOr<bool> {
        ++asked;
        return taken.count(p) > 0;
      },
      "");
  ASSERT_TRUE(pin.ok());
  EXPECT_EQ(*pin, "3333300000");
  EXPECT_EQ(asked, 3);
}

TEST(Pin, NeverReturnsThePreviousPin) {
  ScriptedRandom r({4444400000ULL, 4444400000ULL, 5555500001ULL});
  auto pin = AllocatePin(
      r, [](const std::string&) -> StatusOr<bool> { return false; }, "4444400000");
  ASSERT_TRUE(pin.ok());
  EXPECT_EQ(*pin, "5555500001");
}

TEST(Pin, GivesUpAfterMaxAttempts) {
  std::deque<uint64_t> values(10, 1234500000ULL);
  ScriptedRandom r(values);
  auto pin = AllocatePin(
      r, [](const std::string&) -> StatusOr<bool> { return true; }, "", 5);
  ASSERT_FALSE(pin.ok());
  EXPECT_EQ(pin.status().code(), Code::kUnavailable);
  EXPECT_EQ(pin.status().message().find("1234500000"), std::string::npos);
}

TEST(Pin, LookupFailureIsReturned) {
  ScriptedRandom r({1234500000ULL});
  auto pin = AllocatePin(
      r, [](const std::string&) -> StatusOr<bool> { return Unavailable("store down"); }, "");
  EXPECT_EQ(pin.status().code(), Code::kUnavailable);
}

// Every digit position is uniformly distributed: a chi-square test over 200,000 real draws.
// With 9 degrees of freedom the 99.99th percentile is 33.7; a modulo-biased or broken generator
// lands far above it, an honest one fails this about once in 10,000 runs per position.
TEST(Pin, DigitsAreUniform) {
  constexpr int kDraws = 200'000;
  std::array<std::array<int, 10>, kPinDigits> counts{};
  for (int i = 0; i < kDraws; ++i) {
    std::string pin = DrawPinCandidate(CryptoRandom::Get());
    ASSERT_EQ(pin.size(), 10u);
    for (int d = 0; d < kPinDigits; ++d) {
      ASSERT_TRUE(pin[d] >= '0' && pin[d] <= '9');
      counts[d][pin[d] - '0']++;
    }
  }
  for (int d = 0; d < kPinDigits; ++d) {
    double expected = kDraws / 10.0, chi2 = 0;
    for (int v = 0; v < 10; ++v)
      chi2 += (counts[d][v] - expected) * (counts[d][v] - expected) / expected;
    EXPECT_LT(chi2, 33.7) << "digit position " << d;
  }
}

}  // namespace
}  // namespace chime::model
