#include "common/random.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace chime {

uint32_t RandomSource::NextU32() {
  uint8_t b[4];
  Fill(b, sizeof b);
  return uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 | uint32_t{b[3]} << 24;
}

uint64_t RandomSource::NextU64() {
  // One Fill, read exactly as two NextU32 draws (high word first) would read it.
  uint8_t b[8];
  Fill(b, sizeof b);
  auto word = [](const uint8_t* p) {
    return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
  };
  return uint64_t{word(b)} << 32 | word(b + 4);
}

uint64_t RandomSource::Uniform(uint64_t bound) {
  if (bound <= 1) return 0;
  // Accept only draws below the largest multiple of `bound`, so every residue is equally likely.
  const uint64_t limit = UINT64_MAX - (UINT64_MAX % bound);
  for (;;) {
    uint64_t x = NextU64();
    if (x < limit) return x % bound;
  }
}

namespace {

void RandBytes(uint8_t* out, size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1) {
    std::fputs("fatal: the system CSPRNG failed\n", stderr);
    std::abort();
  }
}

}  // namespace

void CryptoRandom::Fill(uint8_t* out, size_t n) {
  // Small draws (request ids, PIN candidates) come from a per-thread block of CSPRNG output:
  // each RAND_bytes call has a fixed cost (DRBG locking and reseed checks) that the profile
  // showed larger than the bytes themselves. Handed-out bytes are wiped from the block.
  constexpr size_t kBlock = 512;
  thread_local uint8_t block[kBlock];
  thread_local size_t used = kBlock;
  if (n > kBlock / 8) return RandBytes(out, n);
  if (kBlock - used < n) {
    RandBytes(block, kBlock);
    used = 0;
  }
  std::memcpy(out, block + used, n);
  OPENSSL_cleanse(block + used, n);
  used += n;
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
