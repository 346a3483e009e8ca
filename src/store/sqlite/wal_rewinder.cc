#include "store/sqlite/wal_rewinder.h"

#include <sqlite3.h>

#include <algorithm>

#include "common/log.h"

namespace chime::store::sqlite {
namespace {

// Attempts that did not lead to a rewind are spaced out, doubling up to this.
constexpr std::chrono::milliseconds kMaxBackoff(1000);

}  // namespace

WalRewinder::WalRewinder(Connection& writer, int64_t limit_bytes, int64_t page_size)
    : writer_(writer),
      limit_frames_(std::max<int64_t>(1, limit_bytes / std::max<int64_t>(1, page_size))) {
  sqlite3_wal_hook(writer_.raw(), &WalRewinder::OnCommit, this);
}

WalRewinder::~WalRewinder() { sqlite3_wal_hook(writer_.raw(), nullptr, nullptr); }

int WalRewinder::OnCommit(void* self, sqlite3* /*db*/, const char* /*schema*/, int frames) {
  auto* r = static_cast<WalRewinder*>(self);
  // The WAL only shrinks when SQLite started it over: what the attempts are for.
  if (frames < r->frames_) {
    ++r->rewinds_;
    r->backoff_ = std::chrono::milliseconds(0);
    r->next_attempt_ = {};
    r->copied_ = 0;
  }
  r->frames_ = frames;
  return SQLITE_OK;
}

void WalRewinder::AfterBatch() {
  if (frames_ <= limit_frames_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now < next_attempt_) return;
  int wal_frames = 0, copied = 0;
  int rc = sqlite3_wal_checkpoint_v2(writer_.raw(), "main", SQLITE_CHECKPOINT_PASSIVE, &wal_frames,
                                     &copied);
  // SQLITE_BUSY: the background checkpointer holds the checkpoint lock right now, copying what
  // this would have copied; try again after the next batch.
  if (rc == SQLITE_BUSY) return;
  ++attempts_;
  if (rc != SQLITE_OK) LOG_WARN("WAL checkpoint by the writer failed: " << sqlite3_errstr(rc));
  // Every frame copied: the next batch rewinds the WAL and OnCommit clears the back-off,
  // unless a reader that began just before is still on it. That is brief, so try again after
  // the following batch; with nothing left to copy, an attempt costs no copy and no fsync.
  if (rc == SQLITE_OK && copied >= wal_frames) return;
  // Short of the end: a reader pins an older snapshot. If the copy got further than last time,
  // the readers in the way are passing ones (a busy machine preempts them mid-read): try again
  // soon. If not, one may stay for long: space the attempts out, each of which may fsync.
  const bool progressed = copied > copied_;
  copied_ = copied;
  backoff_ = progressed || backoff_.count() == 0 ? std::chrono::milliseconds(1)
                                                 : std::min(kMaxBackoff, backoff_ * 2);
  next_attempt_ = now + backoff_;
}

}  // namespace chime::store::sqlite
