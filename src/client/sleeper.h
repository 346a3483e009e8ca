// Waiting between retries is injected so that retry tests never sleep: a fake sleeper records
// the delays and advances a FakeClock instead.
#pragma once

#include <chrono>
#include <cstdint>
#include <thread>

namespace chime::client {

class Sleeper {
 public:
  virtual ~Sleeper() = default;
  // Blocks the calling thread for `ms` milliseconds (0 returns at once). Thread-safe.
  virtual void SleepMs(int64_t ms) = 0;
};

class RealSleeper final : public Sleeper {
 public:
  void SleepMs(int64_t ms) override {
    if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  }
  static RealSleeper& Get() {
    static RealSleeper sleeper;
    return sleeper;
  }
};

}  // namespace chime::client
