#include "client/cli/progress.h"

#include <algorithm>

namespace chime::client::cli {

Progress::Progress(std::string label, int total, bool tty, bool enabled, const Clock& clock,
                   std::function<void(std::string_view)> write)
    : label_(std::move(label)),
      total_(total),
      tty_(tty),
      enabled_(enabled),
      clock_(clock),
      write_(std::move(write)) {}

std::string Progress::Status() const {
  std::string s = std::to_string(done_) + "/" + std::to_string(total_);
  for (const auto& [name, n] : counts_) s += ", " + std::to_string(n) + " " + name;
  return s;
}

void Progress::Emit(bool final) {
  if (!enabled_) return;
  if (tty_) {
    constexpr int kWidth = 30;
    int filled = total_ == 0 ? kWidth : done_ * kWidth / total_;
    int pct = total_ == 0 ? 100 : done_ * 100 / total_;
    write_("\r\033[K" + label_ + " [" + std::string(filled, '#') +
           std::string(kWidth - filled, '.') + "] " + std::to_string(pct) + "% " + Status() +
           (final ? "\n" : ""));
  } else {
    write_(label_ + ": " + Status() + "\n");
  }
}

void Progress::Done(std::string_view outcome) {
  std::lock_guard lock(mu_);
  ++done_;
  auto it = std::find_if(counts_.begin(), counts_.end(),
                         [&](const auto& c) { return c.first == outcome; });
  if (it == counts_.end()) {
    counts_.emplace_back(std::string(outcome), 1);
  } else {
    ++it->second;
  }
  if (done_ == total_) return;  // Finish() draws the last state
  if (tty_) {
    int64_t now = clock_.MonotonicNs();
    if (now - last_draw_ns_ < 100'000'000) return;
    last_draw_ns_ = now;
    Emit(false);
  } else {
    int decile = total_ == 0 ? 10 : done_ * 10 / total_;
    if (decile == last_decile_) return;
    last_decile_ = decile;
    Emit(false);
  }
}

void Progress::Finish() {
  std::lock_guard lock(mu_);
  Emit(true);
}

}  // namespace chime::client::cli
