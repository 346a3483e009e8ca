#include "common/log.h"

#include <atomic>
#include <cstdio>

#include "common/clock.h"
#include "common/time_format.h"

namespace chime::log {
namespace {
std::atomic<Level> g_level{Level::kInfo};
const char* Name(Level l) {
  switch (l) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
    case Level::kOff: return "off";
  }
  return "?";
}
}  // namespace

void SetLevel(Level level) { g_level = level; }
Level GetLevel() { return g_level; }

bool ParseLevel(std::string_view text, Level* out) {
  for (Level l : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError, Level::kOff}) {
    if (text == Name(l)) {
      *out = l;
      return true;
    }
  }
  return false;
}

void Write(Level level, std::string_view message) {
  std::string line = FormatIso8601Ms(SystemClock::Get().NowMs());
  line += ' ';
  line += Name(level);
  line += ' ';
  line += message;
  line += '\n';
  // One fwrite per line so concurrent threads never interleave within a line.
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace chime::log
