#include "store/sqlite/wal_write_buffer.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "store/sqlite/wal_zero_filler.h"

namespace chime::store::sqlite {
namespace {

struct VfsConfig {
  sqlite3_vfs vfs;  // first, so SQLite's sqlite3_vfs* is this object
  sqlite3_vfs* base;
  std::size_t capacity;
  bool zero_fill;  // keep the file longer than the log (wal_zero_filler.h)
};

sqlite3_vfs* Base(sqlite3_vfs* vfs) { return reinterpret_cast<VfsConfig*>(vfs)->base; }

// A WAL file: the base VFS's file object lives right after this one, in the same allocation.
struct BufferedFile {
  sqlite3_file file;  // first: SQLite calls the methods below with this pointer
  sqlite3_file* real;
  std::size_t capacity;
  char* buffer;               // nullptr until the first write
  sqlite3_int64 start;        // the file offset of buffer[0]
  std::size_t length;         // bytes held
  sqlite3_int64 written_end;  // the end of the furthest write since the last sync
  WalZeroFiller* filler;      // owned; nullptr when not zero-filling
};

// The unix VFS writes at most 128 KiB - 1 bytes per pwrite (it masks the count with 0x1ffff,
// so a write of exactly 256 KiB would write nothing and report a full disk): the buffer goes out
// in pieces of this size.
constexpr std::size_t kMaxWrite = 64 * 1024;

BufferedFile* AsBuffered(sqlite3_file* file) { return reinterpret_cast<BufferedFile*>(file); }
const sqlite3_io_methods& Real(BufferedFile* f) { return *f->real->pMethods; }

// Writes out what the buffer holds. On failure the bytes are dropped: they belong to the
// transaction whose commit is failing, and SQLite rewrites any frame it still needs.
int Flush(BufferedFile* f) {
  int rc = SQLITE_OK;
  for (std::size_t done = 0; done < f->length && rc == SQLITE_OK; done += kMaxWrite) {
    const std::size_t n = std::min(kMaxWrite, f->length - done);
    rc = Real(f).xWrite(f->real, f->buffer + done, static_cast<int>(n),
                        f->start + static_cast<sqlite3_int64>(done));
  }
  f->length = 0;
  return rc;
}

int Close(sqlite3_file* file) {
  BufferedFile* f = AsBuffered(file);
  int flushed = Flush(f);
  delete f->filler;  // before the file goes: SQLite may delete it right after closing it
  f->filler = nullptr;
  int closed = Real(f).xClose(f->real);
  std::free(f->buffer);
  f->buffer = nullptr;
  return flushed != SQLITE_OK ? flushed : closed;
}

int Read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
  BufferedFile* f = AsBuffered(file);
  if (int rc = Flush(f); rc != SQLITE_OK) return rc;
  return Real(f).xRead(f->real, out, amount, offset);
}

int Write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  BufferedFile* f = AsBuffered(file);
  const auto n = static_cast<std::size_t>(amount);
  f->written_end = std::max(f->written_end, offset + amount);
  if (f->length > 0) {
    const sqlite3_int64 end = f->start + static_cast<sqlite3_int64>(f->length);
    // SQLite rewrites a frame in place when a transaction changes its page again.
    if (offset >= f->start && offset + amount <= end) {
      std::memcpy(f->buffer + (offset - f->start), data, n);
      return SQLITE_OK;
    }
    if (offset == end && f->length + n <= f->capacity) {
      std::memcpy(f->buffer + f->length, data, n);
      f->length += n;
      return SQLITE_OK;
    }
    if (int rc = Flush(f); rc != SQLITE_OK) return rc;
  }
  if (f->buffer == nullptr && n < f->capacity) {
    f->buffer = static_cast<char*>(std::malloc(f->capacity));
  }
  if (f->buffer == nullptr || n >= f->capacity) {
    return Real(f).xWrite(f->real, data, amount, offset);
  }
  std::memcpy(f->buffer, data, n);
  f->start = offset;
  f->length = n;
  return SQLITE_OK;
}

int Truncate(sqlite3_file* file, sqlite3_int64 size) {
  BufferedFile* f = AsBuffered(file);
  if (int rc = Flush(f); rc != SQLITE_OK) return rc;
  const int rc = Real(f).xTruncate(f->real, size);
  if (rc == SQLITE_OK && f->filler != nullptr) f->filler->NoteTruncated(size);
  return rc;
}

int Sync(sqlite3_file* file, int flags) {
  BufferedFile* f = AsBuffered(file);
  if (int rc = Flush(f); rc != SQLITE_OK) return rc;
  const int rc = Real(f).xSync(f->real, flags);
  // After the commit's own sync, so that the filler's zeros are not among what it writes.
  if (rc == SQLITE_OK && f->filler != nullptr && f->written_end > 0) {
    f->filler->NoteLogEnd(f->written_end);
  }
  f->written_end = 0;
  return rc;
}

int FileSize(sqlite3_file* file, sqlite3_int64* size) {
  BufferedFile* f = AsBuffered(file);
  if (int rc = Flush(f); rc != SQLITE_OK) return rc;
  return Real(f).xFileSize(f->real, size);
}

int Lock(sqlite3_file* file, int level) {
  BufferedFile* f = AsBuffered(file);
  return Real(f).xLock(f->real, level);
}

int Unlock(sqlite3_file* file, int level) {
  BufferedFile* f = AsBuffered(file);
  return Real(f).xUnlock(f->real, level);
}

int CheckReservedLock(sqlite3_file* file, int* out) {
  BufferedFile* f = AsBuffered(file);
  return Real(f).xCheckReservedLock(f->real, out);
}

int FileControl(sqlite3_file* file, int op, void* arg) {
  BufferedFile* f = AsBuffered(file);
  // Whatever the control does to the file (size hints, persisting), it sees every write.
  if (int rc = Flush(f); rc != SQLITE_OK) return rc;
  return Real(f).xFileControl(f->real, op, arg);
}

int SectorSize(sqlite3_file* file) {
  BufferedFile* f = AsBuffered(file);
  return Real(f).xSectorSize(f->real);
}

int DeviceCharacteristics(sqlite3_file* file) {
  BufferedFile* f = AsBuffered(file);
  return Real(f).xDeviceCharacteristics(f->real);
}

// Version 1: SQLite maps shared memory and fetches pages only through the main database file,
// never through the WAL.
const sqlite3_io_methods kWalMethods = {1,
                                        Close,
                                        Read,
                                        Write,
                                        Truncate,
                                        Sync,
                                        FileSize,
                                        Lock,
                                        Unlock,
                                        CheckReservedLock,
                                        FileControl,
                                        SectorSize,
                                        DeviceCharacteristics,
                                        nullptr,
                                        nullptr,
                                        nullptr,
                                        nullptr,
                                        nullptr,
                                        nullptr};

int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  sqlite3_vfs* base = Base(vfs);
  if ((flags & SQLITE_OPEN_WAL) == 0) {
    // Not a WAL: the base VFS's own file object, in the space SQLite allocated for ours.
    return base->xOpen(base, name, file, flags, out_flags);
  }
  BufferedFile* f = AsBuffered(file);
  std::memset(f, 0, sizeof(BufferedFile));
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  f->capacity = reinterpret_cast<VfsConfig*>(vfs)->capacity;
  int rc = base->xOpen(base, name, f->real, flags, out_flags);
  // SQLite calls xClose on a failed open only if pMethods is set: it is, if the base's is.
  f->file.pMethods = f->real->pMethods != nullptr ? &kWalMethods : nullptr;
  if (rc == SQLITE_OK && name != nullptr && reinterpret_cast<VfsConfig*>(vfs)->zero_fill) {
    f->filler = WalZeroFiller::Start(name).release();
  }
  return rc;
}

int Delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  return Base(vfs)->xDelete(Base(vfs), name, sync_dir);
}
int Access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
  return Base(vfs)->xAccess(Base(vfs), name, flags, out);
}
int FullPathname(sqlite3_vfs* vfs, const char* name, int size, char* out) {
  return Base(vfs)->xFullPathname(Base(vfs), name, size, out);
}
void* DlOpen(sqlite3_vfs* vfs, const char* name) { return Base(vfs)->xDlOpen(Base(vfs), name); }
void DlError(sqlite3_vfs* vfs, int size, char* out) { Base(vfs)->xDlError(Base(vfs), size, out); }
void (*DlSym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void) {
  return Base(vfs)->xDlSym(Base(vfs), handle, symbol);
}
void DlClose(sqlite3_vfs* vfs, void* handle) { Base(vfs)->xDlClose(Base(vfs), handle); }
int Randomness(sqlite3_vfs* vfs, int size, char* out) {
  return Base(vfs)->xRandomness(Base(vfs), size, out);
}
int Sleep(sqlite3_vfs* vfs, int micros) { return Base(vfs)->xSleep(Base(vfs), micros); }
int CurrentTime(sqlite3_vfs* vfs, double* out) { return Base(vfs)->xCurrentTime(Base(vfs), out); }
int GetLastError(sqlite3_vfs* vfs, int size, char* out) {
  return Base(vfs)->xGetLastError(Base(vfs), size, out);
}
int CurrentTimeInt64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  return Base(vfs)->xCurrentTimeInt64(Base(vfs), out);
}

}  // namespace

int RegisterWalWriteBufferVfs(const char* name, sqlite3_vfs* base, std::size_t capacity,
                              bool zero_fill) {
  if (base == nullptr || capacity == 0) return SQLITE_MISUSE;
  // Lives as long as the process: SQLite keeps the pointer while the VFS is registered.
  auto* config = new VfsConfig{};
  config->base = base;
  config->capacity = capacity;
  config->zero_fill = zero_fill;
  sqlite3_vfs& v = config->vfs;
  // Version 2 (no system-call overrides to pass on); xCurrentTimeInt64 is the base's if it has
  // one.
  v.iVersion = 2;
  v.szOsFile = static_cast<int>(sizeof(BufferedFile)) + base->szOsFile;
  v.mxPathname = base->mxPathname;
  v.zName = name;
  v.xOpen = Open;
  v.xDelete = Delete;
  v.xAccess = Access;
  v.xFullPathname = FullPathname;
  v.xDlOpen = DlOpen;
  v.xDlError = DlError;
  v.xDlSym = DlSym;
  v.xDlClose = DlClose;
  v.xRandomness = Randomness;
  v.xSleep = Sleep;
  v.xCurrentTime = CurrentTime;
  v.xGetLastError = GetLastError;
  v.xCurrentTimeInt64 =
      base->iVersion >= 2 && base->xCurrentTimeInt64 != nullptr ? CurrentTimeInt64 : nullptr;
  int rc = sqlite3_vfs_register(&v, /*makeDflt=*/0);
  if (rc != SQLITE_OK) delete config;
  return rc;
}

const char* WalWriteBufferVfs() {
  static const char* const kName = "chimed-wal-buffer";
  static const bool registered = [] {
    return RegisterWalWriteBufferVfs(kName, sqlite3_vfs_find(nullptr), kWalWriteBufferBytes,
                                     /*zero_fill=*/true) == SQLITE_OK;
  }();
  return registered ? kName : nullptr;
}

}  // namespace chime::store::sqlite
