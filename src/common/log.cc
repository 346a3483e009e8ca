#include "common/log.h"

#include <atomic>
#include <climits>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "common/clock.h"
#include "common/thread_name.h"
#include "common/time_format.h"

namespace chime::log {
namespace {
std::atomic<Level> g_level{Level::kInfo};
const char* Name(Level l) {
  switch (l) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
    case Level::kOff:
      return "off";
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

namespace {

// The timestamp's text up to the second changes once a second: each thread keeps it and only
// appends the milliseconds (gmtime + snprintf per line showed in the request path's profile).
// Appends to `out`, the line being built, so a line costs one allocation.
void AppendTimestamp(std::string& out, int64_t now_ms) {
  thread_local int64_t second = INT64_MIN;
  thread_local std::string prefix;  // "2026-01-02T03:04:05."
  if (now_ms < 0) {
    out += FormatIso8601Ms(now_ms);
    return;
  }
  if (now_ms / 1000 != second) {
    second = now_ms / 1000;
    std::string full = FormatIso8601Ms(now_ms);
    prefix = full.substr(0, full.size() - 4);
  }
  int ms = static_cast<int>(now_ms % 1000);
  out += prefix;
  out += static_cast<char>('0' + ms / 100);
  out += static_cast<char>('0' + ms / 10 % 10);
  out += static_cast<char>('0' + ms % 10);
  out += 'Z';
}

constexpr size_t kFlushBytes = 64 << 10;

// The buffer of StartBuffering(). Never destroyed: a thread may still log while the process
// exits.
struct Buffer {
  std::mutex mu;
  std::condition_variable cv;
  std::string pending;  // whole lines
  bool on = false;
  std::thread flusher;
};

Buffer& TheBuffer() {
  static Buffer* buffer = new Buffer();
  return *buffer;
}
std::atomic<bool> g_buffering{false};

// Under the buffer's lock, so that lines reach stderr in the order they were logged. One fwrite
// per call: concurrent writers never interleave within a line.
void WriteOut(std::string_view bytes) {
  if (!bytes.empty()) std::fwrite(bytes.data(), 1, bytes.size(), stderr);
}

}  // namespace

void Write(Level level, std::string_view message) {
  std::string line;
  line.reserve(32 + message.size());
  AppendTimestamp(line, SystemClock::Get().NowMs());
  line += ' ';
  line += Name(level);
  line += ' ';
  line += message;
  line += '\n';
  if (!g_buffering.load(std::memory_order_acquire)) return WriteOut(line);
  Buffer& b = TheBuffer();
  std::lock_guard lock(b.mu);
  if (!b.on) return WriteOut(line);  // buffering stopped after the check above
  b.pending += line;
  if (level >= Level::kWarn || b.pending.size() >= kFlushBytes) {
    WriteOut(b.pending);
    b.pending.clear();
  }
}

void StartBuffering(std::chrono::milliseconds interval) {
  Buffer& b = TheBuffer();
  {
    std::lock_guard lock(b.mu);
    if (b.on) return;
    b.on = true;
  }
  b.flusher = std::thread([&b, interval] {
    NameThisThread("chimed-log");
    std::unique_lock lock(b.mu);
    while (b.on) {
      b.cv.wait_for(lock, interval);
      WriteOut(b.pending);
      b.pending.clear();
    }
  });
  g_buffering.store(true, std::memory_order_release);
}

void StopBuffering() {
  Buffer& b = TheBuffer();
  g_buffering.store(false, std::memory_order_release);
  {
    std::lock_guard lock(b.mu);
    if (!b.on) return;
    b.on = false;
    WriteOut(b.pending);
    b.pending.clear();
  }
  b.cv.notify_all();
  if (b.flusher.joinable()) b.flusher.join();
}

}  // namespace chime::log
