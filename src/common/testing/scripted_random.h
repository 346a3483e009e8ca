// A RandomSource for tests: hands out scripted 64-bit values, each as one NextU64() draw, so a
// test can force rejection-sampling retries, PIN collisions and guessable candidates.
#pragma once

#include <cstdint>
#include <deque>
#include <stdexcept>
#include <utility>

#include "common/random.h"

namespace chime::testing {

class ScriptedRandom : public RandomSource {
 public:
  explicit ScriptedRandom(std::deque<uint64_t> values) : values_(std::move(values)) {}

  // Throws when the script runs out: a test that draws more than it scripted is wrong.
  void Fill(uint8_t* out, size_t n) override {
    for (size_t i = 0; i < n; ++i) {
      if (bytes_.empty()) {
        if (values_.empty()) throw std::runtime_error("script exhausted");
        uint64_t v = values_.front();
        values_.pop_front();
        // NextU64 reads two little-endian 32-bit words, high word first.
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

}  // namespace chime::testing
