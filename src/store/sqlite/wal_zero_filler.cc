#include "store/sqlite/wal_zero_filler.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/log.h"
#include "common/thread_name.h"

namespace chime::store::sqlite {

namespace {
// The zeros every write copies from. Not const and zero-initialised, so it lives in .bss: pages
// that are only ever read map the kernel's shared zero page and never count towards RSS (a
// std::vector of zeros would be memset, 1 MiB of resident memory for nothing).
char g_zeros[1024 * 1024];
}  // namespace

std::unique_ptr<WalZeroFiller> WalZeroFiller::Start(const std::string& wal_path,
                                                    WalZeroFillerOptions options) {
  // No O_CREAT: SQLite has created the file (with its database's permissions) before this.
  const int fd = ::open(wal_path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) {
    LOG_WARN("cannot open the WAL for zero-filling ahead (" << std::strerror(errno)
                                                            << "); commits will extend it");
    return nullptr;
  }
  return std::unique_ptr<WalZeroFiller>(new WalZeroFiller(fd, options));
}

WalZeroFiller::WalZeroFiller(int fd, WalZeroFillerOptions options)
    : fd_(fd), options_(options), thread_([this] {
        NameThisThread("chimed-walzero");
        Loop();
      }) {}

WalZeroFiller::~WalZeroFiller() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
  // The WAL holds no POSIX locks of SQLite's (those are on the database and -shm files), so
  // closing this descriptor releases none.
  ::close(fd_);
}

int64_t WalZeroFiller::Lead(int64_t end) const {
  return std::clamp(end, options_.min_lead_bytes, options_.max_lead_bytes);
}

int64_t WalZeroFiller::Target(int64_t end) const {
  const int64_t target = end + Lead(end);
  const int64_t cap = trimmed_to_.load(std::memory_order_relaxed);
  return cap > 0 ? std::min(target, cap) : target;
}

void WalZeroFiller::NoteLogEnd(int64_t end) {
  // Refill once less than half the lead is left, so that each fill writes a good part of it.
  const int64_t wanted = std::min(end + Lead(end) / 2, Target(end));
  if (wanted <= known_size_.load(std::memory_order_relaxed)) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    wanted_end_ = end;
  }
  cv_.notify_one();
}

void WalZeroFiller::NoteTruncated(int64_t size) {
  if (size > 0) trimmed_to_.store(size, std::memory_order_relaxed);
  int64_t known = known_size_.load(std::memory_order_relaxed);
  // The thread may store a size it measured before the truncation; it notices the truth at its
  // next fill, which starts from fstat.
  while (size < known && !known_size_.compare_exchange_weak(known, size)) {
  }
}

void WalZeroFiller::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  bool failing = false;
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || wanted_end_ >= 0; });
    if (stopping_) return;
    const int64_t end = wanted_end_;
    wanted_end_ = -1;
    lock.unlock();
    const int error = FillTo(Target(end));
    ++fills_;
    lock.lock();
    if (error == 0) {
      failing = false;
      continue;
    }
    // Nothing is lost: SQLite appends as it would without us, and its own writes report a
    // full disk. Said once per run of failures; tried again a second later at the earliest
    // (a full disk would fail every attempt), if a commit asked meanwhile.
    if (!failing) {
      LOG_WARN("zero-filling the WAL ahead failed (" << std::strerror(error)
                                                     << "); commits extend it meanwhile");
    }
    failing = true;
    cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_.load(); });
  }
}

int WalZeroFiller::FillTo(int64_t target) {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return errno;
  // The true size: SQLite, here or in another process, may have grown or truncated the file.
  int64_t size = st.st_size;
  bool wrote = false;
  while (size < target && !stopping_.load()) {
    const auto n = static_cast<size_t>(std::min<int64_t>(
        {target - size, options_.chunk_bytes, static_cast<int64_t>(sizeof g_zeros)}));
    const ssize_t written = ::write(fd_, g_zeros, n);  // O_APPEND: at the end, atomically
    if (written < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    wrote = true;
    appended_ += written;
    size += written;
  }
  if (wrote && ::fdatasync(fd_) != 0) return errno;
  if (::fstat(fd_, &st) == 0) size = st.st_size;
  known_size_.store(size, std::memory_order_relaxed);
  return 0;
}

}  // namespace chime::store::sqlite
