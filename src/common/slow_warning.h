// Rate-limited warnings about operations that took too long: a store commit whose fsync stalled,
// a checkpoint that held the writer up. An operator who sees a latency spike can match it with
// such a line; a disk that is slow all the time still writes at most one line per `min_gap`,
// which counts the slow operations it stands for and names the slowest.
//
// Not thread-safe: one owner thread (the store's writer) reports to it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chime {

// `d` as whole milliseconds, rounded up ("101 ms" for 100.4 ms), as the warnings write
// durations: a duration over a threshold never reads as equal to it.
std::string FormatMs(std::chrono::nanoseconds d);

class SlowWarning {
 public:
  using Clock = std::chrono::steady_clock;

  // How long after a warning the next may come, unless the owner says otherwise.
  static constexpr std::chrono::milliseconds kDefaultGap{10000};

  // `what` names the operation in the warning ("store write batch"); durations over
  // `threshold` are slow; after a warning, the next comes no sooner than `min_gap` later.
  SlowWarning(std::string what, std::chrono::milliseconds threshold,
              std::chrono::milliseconds min_gap = kDefaultGap);

  // Whether an operation that took `took` is slow: callers check this before building the
  // detail text, so that the common case costs one comparison.
  bool Slow(std::chrono::nanoseconds took) const { return took > threshold_; }

  // Records one operation that took `took` and ended at `now`, with `detail` saying what it
  // was ("12 writes"). Returns the warning to log, if this one is slow and the gap has passed;
  // slow operations inside the gap are counted into the next warning.
  std::optional<std::string> Observe(Clock::time_point now, std::chrono::nanoseconds took,
                                     std::string_view detail);

 private:
  const std::string what_;
  const std::chrono::nanoseconds threshold_;
  const std::chrono::nanoseconds min_gap_;
  std::optional<Clock::time_point> last_warning_;
  int64_t held_back_ = 0;                      // slow operations since the last warning
  std::chrono::nanoseconds held_back_max_{0};  // the slowest of them
};

}  // namespace chime
