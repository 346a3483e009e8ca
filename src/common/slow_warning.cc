#include "common/slow_warning.h"

#include <utility>

namespace chime {

std::string FormatMs(std::chrono::nanoseconds d) {
  return std::to_string(std::chrono::ceil<std::chrono::milliseconds>(d).count()) + " ms";
}

SlowWarning::SlowWarning(std::string what, std::chrono::milliseconds threshold,
                         std::chrono::milliseconds min_gap)
    : what_(std::move(what)), threshold_(threshold), min_gap_(min_gap) {}

std::optional<std::string> SlowWarning::Observe(Clock::time_point now,
                                                std::chrono::nanoseconds took,
                                                std::string_view detail) {
  if (!Slow(took)) return std::nullopt;
  if (last_warning_.has_value() && now - *last_warning_ < min_gap_) {
    ++held_back_;
    if (took > held_back_max_) held_back_max_ = took;
    return std::nullopt;
  }
  std::string line = what_ + " took " + FormatMs(took);
  if (!detail.empty()) line += " (" + std::string(detail) + ")";
  line += ", over the " + FormatMs(threshold_) + " warning threshold";
  if (held_back_ > 0) {
    line += "; " + std::to_string(held_back_) + " more since the last warning, the slowest " +
            FormatMs(held_back_max_);
  }
  last_warning_ = now;
  held_back_ = 0;
  held_back_max_ = std::chrono::nanoseconds(0);
  return line;
}

}  // namespace chime
