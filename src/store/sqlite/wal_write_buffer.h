// Gathers the writer's many small WAL writes into one write per commit.
//
// SQLite's unix VFS writes every WAL frame with two pwrite calls (the 24-byte frame header, then
// the page). With 1 KiB pages a group-committed batch of 16 resets made about 185 of them before
// its fsync, 11.6 system calls per reset on the single writer thread. This VFS wraps SQLite's
// default one and, for WAL files only, keeps contiguous writes in a buffer that reaches the file
// (in pwrites of up to 64 KiB) when SQLite syncs, reads, truncates, sizes or closes the file, or
// when a write is not contiguous with the buffer or would overflow it. Every other file passes
// straight through (it is opened by the default VFS itself, without this layer).
//
// Why no reader sees a frame that is still in the buffer: readers (in this process or another)
// read a WAL frame only once the wal-index header says it is committed, and SQLite writes that
// header after the commit's sync of the WAL, which empties the buffer first. That holds only
// with synchronous=FULL or EXTRA, where every commit syncs the WAL: with NORMAL a commit does
// not sync, so the store's write connection, the only one opened through this VFS, always runs
// FULL. The writer's own reads of its frames empty the buffer before they read.
//
// Errors: a write the buffer deferred fails at the call that empties the buffer, normally the
// commit's sync, so the commit fails just as it would have (SQLITE_FULL when the disk is full,
// SQLITE_IOERR_WRITE otherwise), and SQLite rolls the transaction back.
//
// Spilled frames: SQLite also writes frames before the commit when a transaction's dirty pages
// outgrow the page cache. Were that transaction rolled back, its frames could stay in the buffer
// after the write lock is released, and reach the file later, over frames another process
// (an admin command) wrote meanwhile. The store's write connection therefore runs with
// cache_spill off, so that its frames are written only by commits, whose sync empties the buffer
// while the lock is still held.
//
// The store's VFS also keeps the WAL file longer than the log, zero-filled, so that commits
// overwrite instead of appending (wal_zero_filler.h).
#pragma once

#include <sqlite3.h>

#include <cstddef>

namespace chime::store::sqlite {

// The buffer's size: a batch of 32 resets on a million users writes about 600 KiB of WAL, so
// the largest batches empty it a few times per commit; allocated on the first WAL write.
inline constexpr std::size_t kWalWriteBufferBytes = 256 * 1024;

// Registers the store's VFS (buffering and zero-filling) over SQLite's default VFS (once,
// thread-safe) and returns its name, for sqlite3_open_v2; nullptr if it could not be registered.
const char* WalWriteBufferVfs();

// For tests: registers a buffering VFS called `name` (a string that outlives the process's use
// of SQLite) over `base`, with a buffer of `capacity` bytes, zero-filling each WAL ahead of its
// log when `zero_fill`. Returns an SQLite result code.
int RegisterWalWriteBufferVfs(const char* name, sqlite3_vfs* base, std::size_t capacity,
                              bool zero_fill = false);

}  // namespace chime::store::sqlite
