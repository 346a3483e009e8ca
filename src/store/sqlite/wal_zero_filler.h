// Keeps the WAL file a little longer than the log in it, the extra bytes written as zeros and
// synced, so that commits overwrite blocks the file system already holds instead of appending.
//
// Why: a commit that appends to the WAL makes its fdatasync allocate blocks and write the
// inode's new size as well as the frames; one that overwrites writes only the frames. On this
// project's benchmark disk (ext4) appending 8 KiB and syncing took 394 µs, overwriting 175 µs
// (bench/RESULTS.md). SQLite's WAL appends from every start until it first reaches the size
// bound (wal_rewinder.h), because a clean close deletes it. PostgreSQL zero-fills its WAL
// segments ahead of use for the same reason.
//
// Why it is safe, also with other processes writing the same database (the admin commands do,
// while the server runs): the zeros go through a file descriptor of our own opened with
// O_APPEND, so each write lands at the file's end as it is at that instant, atomically with
// respect to every other write and truncation of the file. Every byte SQLite (of any process)
// has written lies below that end, so zeros never replace a frame; a frame written later over
// zeros replaces them. Bytes past the log's last valid frame are ignored by SQLite's recovery
// (it stops at the first frame whose salt or checksum does not match), zeros included.
//
// The file is never filled past the size SQLite last trimmed it to: SQLite trims the WAL to its
// size bound (journal_size_limit) when the log starts over, and zeros past the bound would only
// be trimmed again. (Before the first trim the zeros may pass the bound by the lead at most.)
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace chime::store::sqlite {

struct WalZeroFillerOptions {
  // How far past the log's end the file is kept: as far as the log itself reaches, between these
  // two bounds, so a database that writes little gets little (tests open thousands of them).
  int64_t min_lead_bytes = 64 * 1024;
  int64_t max_lead_bytes = 1024 * 1024;
  // Zeros per write; each fill is synced once at its end.
  int64_t chunk_bytes = 256 * 1024;
};

class WalZeroFiller {
 public:
  // Opens `wal_path` for appending and starts the thread; nullptr if the file cannot be opened
  // (the WAL then simply grows by SQLite's own appends).
  static std::unique_ptr<WalZeroFiller> Start(const std::string& wal_path,
                                              WalZeroFillerOptions options = {});
  ~WalZeroFiller();  // stops and joins the thread (a fill in progress ends at its next chunk)
  WalZeroFiller(const WalZeroFiller&) = delete;
  WalZeroFiller& operator=(const WalZeroFiller&) = delete;

  // The log now ends at `end` bytes (after a commit). Cheap when the file is already long
  // enough; otherwise wakes the thread. Called by the WAL's one writer.
  void NoteLogEnd(int64_t end);

  // The file was truncated to `size` bytes (SQLite trims the WAL to its bound when it starts the
  // log over): later fills stop there. A truncation by another process goes unnoticed until the
  // log reaches the old size; then a fill starts from the file's true size.
  void NoteTruncated(int64_t size);

  // For tests and statistics: zero bytes appended so far, and fills finished (synced or failed).
  int64_t appended_bytes() const { return appended_.load(); }
  int64_t fills() const { return fills_.load(); }

 private:
  WalZeroFiller(int fd, WalZeroFillerOptions options);
  int64_t Lead(int64_t end) const;
  // Where a fill for a log ending at `end` stops: the lead past it, but not past the last trim.
  int64_t Target(int64_t end) const;
  void Loop();
  // Appends zeros until the file is `target` bytes long and syncs them; 0, or the errno of the
  // call that failed.
  int FillTo(int64_t target);

  const int fd_;
  const WalZeroFillerOptions options_;
  std::atomic<int64_t> known_size_{0};  // the file's size after the last fill
  std::atomic<int64_t> trimmed_to_{0};  // the size of the last non-zero truncation; 0: none yet
  std::atomic<int64_t> appended_{0};
  std::atomic<int64_t> fills_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  int64_t wanted_end_ = -1;  // guarded by mu_: the log end to fill past; -1 when nothing asked
  std::thread thread_;       // last: starts after every other member is initialized
};

}  // namespace chime::store::sqlite
