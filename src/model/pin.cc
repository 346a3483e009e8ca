#include "model/pin.h"

namespace chime::model {

bool IsGuessablePin(std::string_view pin) {
  if (pin.size() < 2) return true;
  bool same = true, up = true, down = true;
  for (size_t i = 1; i < pin.size(); ++i) {
    int prev = pin[i - 1] - '0', cur = pin[i] - '0';
    same = same && cur == prev;
    up = up && cur == (prev + 1) % 10;
    down = down && cur == (prev + 9) % 10;
  }
  return same || up || down;
}

std::string DrawPinCandidate(RandomSource& random) {
  for (;;) {
    uint64_t n = random.Uniform(kPinSpace);
    std::string pin(kPinDigits, '0');
    for (int i = kPinDigits - 1; i >= 0; --i, n /= 10) pin[i] = static_cast<char>('0' + n % 10);
    if (!IsGuessablePin(pin)) return pin;
  }
}

StatusOr<std::string> AllocatePin(RandomSource& random,
                                  const std::function<StatusOr<bool>(const std::string&)>& taken,
                                  std::string_view previous_pin, int max_attempts) {
  for (int attempt = 0; attempt < max_attempts; ++attempt) {
    std::string pin = DrawPinCandidate(random);
    if (pin == previous_pin) continue;
    ASSIGN_OR_RETURN(bool in_use, taken(pin));
    if (!in_use) return pin;
  }
  return PinAllocationFailed();
}

Status PinAllocationFailed() {
  return Unavailable("Could not allocate a unique personal meeting PIN; try again later.");
}

}  // namespace chime::model
