// Randomness is injected: PINs, ids and secrets come from a CSPRNG in production, and tests
// substitute a scripted source to force collisions and prove the retry paths.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace chime {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Fills `out` with `n` random bytes. Thread-safe. Aborts if the system CSPRNG fails,
  // because continuing with predictable PINs or keys would be worse than stopping.
  virtual void Fill(uint8_t* out, size_t n) = 0;

  uint32_t NextU32();
  uint64_t NextU64();
  // A uniformly distributed integer in [0, bound) by rejection sampling (no modulo bias).
  uint64_t Uniform(uint64_t bound);
};

// OpenSSL RAND_bytes.
class CryptoRandom final : public RandomSource {
 public:
  void Fill(uint8_t* out, size_t n) override;
  static CryptoRandom& Get();
};

// A lowercase RFC 4122 version-4 UUID, e.g. 7e1fe1a5-c81b-4a9c-9c6c-c1a100dba141.
std::string NewUuid(RandomSource& random);

}  // namespace chime
