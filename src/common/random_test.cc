#include "common/random.h"

#include <gtest/gtest.h>

#include <deque>
#include <regex>

namespace chime {
namespace {

// Returns scripted 64-bit values (little-endian bytes) in order.
class ScriptedRandom : public RandomSource {
 public:
  explicit ScriptedRandom(std::deque<uint64_t> values) : values_(std::move(values)) {}
  void Fill(uint8_t* out, size_t n) override {
    for (size_t i = 0; i < n; ++i) {
      if (bytes_.empty()) {
        uint64_t v = values_.front();
        values_.pop_front();
        // NextU64 reads two u32 draws (high word first), each four little-endian bytes.
        for (uint32_t word : {uint32_t(v >> 32), uint32_t(v)}) {
          for (int b = 0; b < 4; ++b) bytes_.push_back(uint8_t(word >> (8 * b)));
        }
      }
      out[i] = bytes_.front();
      bytes_.pop_front();
    }
  }

 private:
  std::deque<uint64_t> values_;
  std::deque<uint8_t> bytes_;
};

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
