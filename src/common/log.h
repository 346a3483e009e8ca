// A small leveled logger writing one line per event to stderr.
// Rule: callers never pass secrets, signatures, session tokens, Authorization headers or PINs.
// Request logs carry the request id, operation, status and latency only.
#pragma once

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

}  // namespace chime::log

#define CHIME_LOG(level, expr)                                          \
  do {                                                                  \
    if (::chime::log::Level::level >= ::chime::log::GetLevel()) {       \
      std::ostringstream _os;                                           \
      _os << expr;                                                      \
      ::chime::log::Write(::chime::log::Level::level, _os.str());       \
    }                                                                   \
  } while (0)
#define LOG_DEBUG(expr) CHIME_LOG(kDebug, expr)
#define LOG_INFO(expr) CHIME_LOG(kInfo, expr)
#define LOG_WARN(expr) CHIME_LOG(kWarn, expr)
#define LOG_ERROR(expr) CHIME_LOG(kError, expr)
