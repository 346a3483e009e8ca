#include "common/random.h"

#include <gtest/gtest.h>

#include <regex>

#include "common/testing/scripted_random.h"

namespace chime {
namespace {

using ::chime::testing::ScriptedRandom;

TEST(Uniform, RejectsDrawsAboveTheLargestMultiple) {
  const uint64_t bound = 10'000'000'000ULL;
  const uint64_t limit = UINT64_MAX - (UINT64_MAX % bound);
  // The first two draws are in the biased tail and must be rejected; the third is accepted.
  ScriptedRandom r({limit, UINT64_MAX, 12345});
  EXPECT_EQ(r.Uniform(bound), 12345u);
}

TEST(Uniform, AcceptsJustBelowTheLimit) {
  const uint64_t bound = 7;
  const uint64_t limit = UINT64_MAX - (UINT64_MAX % bound);
  ScriptedRandom r({limit - 1});
  EXPECT_EQ(r.Uniform(bound), (limit - 1) % bound);
}

TEST(Uuid, IsLowercaseVersion4) {
  std::regex re("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  for (int i = 0; i < 100; ++i) {
    std::string id = NewUuid(CryptoRandom::Get());
    EXPECT_TRUE(std::regex_match(id, re)) << id;
  }
  EXPECT_NE(NewUuid(CryptoRandom::Get()), NewUuid(CryptoRandom::Get()));
}

}  // namespace
}  // namespace chime
