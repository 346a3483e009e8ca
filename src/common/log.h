// A small leveled logger writing one line per event to stderr.
// Rule: callers never pass secrets, signatures, session tokens, Authorization headers or PINs.
// Request logs carry the request id, operation, status and latency only.
#pragma once

#include <chrono>
#include <sstream>
#include <string>
#include <string_view>

namespace chime::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };

void SetLevel(Level level);
Level GetLevel();
// Parses "debug|info|warn|error|off"; false when unknown.
bool ParseLevel(std::string_view text, Level* out);
void Write(Level level, std::string_view message);

// The server's mode: info and debug lines (one per request) wait in a buffer that a background
// thread writes out every `interval` or once it holds 64 KiB, instead of one write(2) each
// (5 % of a GetUser's CPU, and a lock the I/O threads contended for). A warning or an error
// writes everything pending, then itself, at once; lines never change order. StopBuffering()
// writes what is left and goes back to one write per line. Not reentrant: one Start, one Stop.
void StartBuffering(std::chrono::milliseconds interval);
void StopBuffering();

// Starts buffering for its lifetime.
class Buffering {
 public:
  explicit Buffering(std::chrono::milliseconds interval) { StartBuffering(interval); }
  ~Buffering() { StopBuffering(); }
  Buffering(const Buffering&) = delete;
  Buffering& operator=(const Buffering&) = delete;
};

}  // namespace chime::log

#define CHIME_LOG(level, expr)                                    \
  do {                                                            \
    if (::chime::log::Level::level >= ::chime::log::GetLevel()) { \
      std::ostringstream _os;                                     \
      _os << expr;                                                \
      ::chime::log::Write(::chime::log::Level::level, _os.str()); \
    }                                                             \
  } while (0)
#define LOG_DEBUG(expr) CHIME_LOG(kDebug, expr)
#define LOG_INFO(expr) CHIME_LOG(kInfo, expr)
#define LOG_WARN(expr) CHIME_LOG(kWarn, expr)
#define LOG_ERROR(expr) CHIME_LOG(kError, expr)
