// Progress for bulk commands. On a terminal: one bar redrawn in place (at most every 100 ms);
// otherwise (a pipe, a CI log): a plain line at every 10% and at the end, so logs stay short.
// Thread-safe: workers call Done() concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace chime::client::cli {

class Progress {
 public:
  // `write` receives complete text chunks for stderr. `enabled` false prints nothing.
  Progress(std::string label, int total, bool tty, bool enabled, const Clock& clock,
           std::function<void(std::string_view)> write);

  // One item finished with `outcome` ("created", "skipped", "failed", ...).
  void Done(std::string_view outcome);
  // Final redraw / line and, on a terminal, the newline that ends the bar.
  void Finish();

 private:
  std::string Status() const;
  void Emit(bool final);

  std::mutex mu_;
  const std::string label_;
  const int total_;
  const bool tty_;
  const bool enabled_;
  const Clock& clock_;
  std::function<void(std::string_view)> write_;
  int done_ = 0;
  int last_decile_ = 0;
  int64_t last_draw_ns_ = 0;
  std::vector<std::pair<std::string, int>> counts_;  // in first-seen order
};

}  // namespace chime::client::cli
