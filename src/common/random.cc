#include "common/random.h"

#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>

namespace chime {

uint32_t RandomSource::NextU32() {
  uint8_t b[4];
  Fill(b, sizeof b);
  return uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 | uint32_t{b[3]} << 24;
}

uint64_t RandomSource::NextU64() { return uint64_t{NextU32()} << 32 | NextU32(); }

uint64_t RandomSource::Uniform(uint64_t bound) {
  if (bound <= 1) return 0;
  // Accept only draws below the largest multiple of `bound`, so every residue is equally likely.
  const uint64_t limit = UINT64_MAX - (UINT64_MAX % bound);
  for (;;) {
    uint64_t x = NextU64();
    if (x < limit) return x % bound;
  }
}

void CryptoRandom::Fill(uint8_t* out, size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1) {
    std::fputs("fatal: the system CSPRNG failed\n", stderr);
    std::abort();
  }
}

CryptoRandom& CryptoRandom::Get() {
  static CryptoRandom r;
  return r;
}

std::string NewUuid(RandomSource& random) {
  uint8_t b[16];
  random.Fill(b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  static const char* kHex = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kHex[b[i] >> 4]);
    s.push_back(kHex[b[i] & 15]);
  }
  return s;
}

}  // namespace chime
