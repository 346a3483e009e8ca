// Personal meeting PINs: 10-digit numeric strings (leading zeros allowed), drawn uniformly
// from a CSPRNG, unique across the deployment, never the user's previous PIN, never a retired
// PIN, and never a trivially guessable value. See docs/pins.md.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/random.h"
#include "common/status.h"

namespace chime::model {

inline constexpr int kPinDigits = 10;
inline constexpr uint64_t kPinSpace = 10'000'000'000ULL;  // 10^10

// True for values people guess first: one repeated digit, or a run that climbs or falls by one
// at every step (wrapping 9->0), such as 0123456789 or 9876543210.
bool IsGuessablePin(std::string_view pin);

// One uniformly distributed 10-digit candidate that is not guessable.
std::string DrawPinCandidate(RandomSource& random);

// Draws candidates until one is free. `taken(pin)` answers whether a PIN is in use or retired
// (it may fail, and that failure is returned). The previous PIN is always treated as taken.
// Gives up with kUnavailable after `max_attempts` collisions, which with a sane fill ratio of
// the 10^10 space means the source is broken, not that the space is full.
inline constexpr int kPinAttempts = 64;  // AllocatePin's default limit

StatusOr<std::string> AllocatePin(RandomSource& random,
                                  const std::function<StatusOr<bool>(const std::string&)>& taken,
                                  std::string_view previous_pin, int max_attempts = kPinAttempts);

// AllocatePin's error after `max_attempts` collisions, for stores that draw candidates themselves.
Status PinAllocationFailed();

}  // namespace chime::model
