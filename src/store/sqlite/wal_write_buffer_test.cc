// The WAL write buffer: fewer writes, the same bytes, and write errors that still fail the
// commit. The buffering VFS is stacked on a counting VFS (below) that wraps SQLite's default
// one, counts the writes that reach the WAL and can make them fail.
#include "store/sqlite/wal_write_buffer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/test_temp_dir.h"

namespace chime::store::sqlite {
namespace {

std::atomic<int> wal_writes{0};
std::atomic<int64_t> wal_written_end{0};  // the furthest byte SQLite's writes reached
std::atomic<bool> fail_wal_writes{false};

// The counting VFS: WAL files get methods that count (and may fail) writes; the rest is the
// default VFS's own file object.
struct CountingFile {
  sqlite3_file file;
  sqlite3_file* real;
};
sqlite3_file* RealOf(sqlite3_file* f) { return reinterpret_cast<CountingFile*>(f)->real; }

int CWrite(sqlite3_file* f, const void* data, int n, sqlite3_int64 off) {
  if (fail_wal_writes) return SQLITE_IOERR_WRITE;
  ++wal_writes;
  int64_t end = wal_written_end.load();
  while (off + n > end && !wal_written_end.compare_exchange_weak(end, off + n)) {
  }
  return RealOf(f)->pMethods->xWrite(RealOf(f), data, n, off);
}
int CClose(sqlite3_file* f) { return RealOf(f)->pMethods->xClose(RealOf(f)); }
int CRead(sqlite3_file* f, void* out, int n, sqlite3_int64 off) {
  return RealOf(f)->pMethods->xRead(RealOf(f), out, n, off);
}
int CTruncate(sqlite3_file* f, sqlite3_int64 size) {
  return RealOf(f)->pMethods->xTruncate(RealOf(f), size);
}
int CSync(sqlite3_file* f, int flags) { return RealOf(f)->pMethods->xSync(RealOf(f), flags); }
int CFileSize(sqlite3_file* f, sqlite3_int64* size) {
  return RealOf(f)->pMethods->xFileSize(RealOf(f), size);
}
int CLock(sqlite3_file* f, int level) { return RealOf(f)->pMethods->xLock(RealOf(f), level); }
int CUnlock(sqlite3_file* f, int level) { return RealOf(f)->pMethods->xUnlock(RealOf(f), level); }
int CCheck(sqlite3_file* f, int* out) {
  return RealOf(f)->pMethods->xCheckReservedLock(RealOf(f), out);
}
int CControl(sqlite3_file* f, int op, void* arg) {
  return RealOf(f)->pMethods->xFileControl(RealOf(f), op, arg);
}
int CSector(sqlite3_file* f) { return RealOf(f)->pMethods->xSectorSize(RealOf(f)); }
int CDevice(sqlite3_file* f) { return RealOf(f)->pMethods->xDeviceCharacteristics(RealOf(f)); }

const sqlite3_io_methods kCountingMethods = {
    1,        CClose,  CRead,   CWrite,  CTruncate, CSync,   CFileSize, CLock,   CUnlock, CCheck,
    CControl, CSector, CDevice, nullptr, nullptr,   nullptr, nullptr,   nullptr, nullptr};

sqlite3_vfs* DefaultVfs() { return sqlite3_vfs_find(nullptr); }

int COpen(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  if ((flags & SQLITE_OPEN_WAL) == 0) {
    return DefaultVfs()->xOpen(DefaultVfs(), name, file, flags, out_flags);
  }
  auto* f = reinterpret_cast<CountingFile*>(file);
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  int rc = DefaultVfs()->xOpen(DefaultVfs(), name, f->real, flags, out_flags);
  f->file.pMethods = f->real->pMethods != nullptr ? &kCountingMethods : nullptr;
  return rc;
}

// Registers "counting" and, over it, "buffered" (a 4 KiB buffer, so that transactions overflow
// it), "buffered-large" (the store's size) and "buffered-filled" (the store's size, and the WAL
// zero-filled ahead of the log, as the store's VFS does).
void RegisterVfses() {
  static const bool once = [] {
    static sqlite3_vfs counting = *DefaultVfs();
    counting.zName = "counting";
    counting.szOsFile = static_cast<int>(sizeof(CountingFile)) + DefaultVfs()->szOsFile;
    counting.xOpen = COpen;
    counting.pNext = nullptr;
    counting.iVersion = 2;  // the default VFS's other methods ignore their sqlite3_vfs*
    EXPECT_EQ(sqlite3_vfs_register(&counting, 0), SQLITE_OK);
    EXPECT_EQ(RegisterWalWriteBufferVfs("buffered", &counting, 4096), SQLITE_OK);
    EXPECT_EQ(RegisterWalWriteBufferVfs("buffered-large", &counting, kWalWriteBufferBytes),
              SQLITE_OK);
    EXPECT_EQ(RegisterWalWriteBufferVfs("buffered-filled", &counting, kWalWriteBufferBytes,
                                        /*zero_fill=*/true),
              SQLITE_OK);
    return true;
  }();
  (void)once;
}

class Db {
 public:
  Db(const std::string& path, const char* vfs) {
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs),
              SQLITE_OK);
    sqlite3_extended_result_codes(db_, 1);
  }
  ~Db() { sqlite3_close(db_); }
  int Exec(const std::string& sql) {
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  }
  std::string Text(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

// A writer set up as the store's: WAL, synchronous=FULL, 1 KiB pages.
void SetUpWriter(Db& db) {
  ASSERT_EQ(db.Exec("PRAGMA page_size = 1024"), SQLITE_OK);
  ASSERT_EQ(db.Text("PRAGMA journal_mode = WAL"), "wal");
  ASSERT_EQ(db.Exec("PRAGMA synchronous = FULL"), SQLITE_OK);
  ASSERT_EQ(db.Exec("PRAGMA wal_autocheckpoint = 0"), SQLITE_OK);
  ASSERT_EQ(db.Exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)"), SQLITE_OK);
}

// One transaction of `rows` rows of 600 bytes each.
int InsertRows(Db& db, int first, int rows) {
  return db.Exec("INSERT INTO t(id, v) WITH RECURSIVE n(i) AS (SELECT " + std::to_string(first) +
                 " UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(first + rows - 1) +
                 ") SELECT i, randomblob(600) FROM n");
}

void ReadersSeeEveryCommitAndAReopenKeepsIt(const std::string& path, const char* vfs) {
  Db writer(path, vfs);
  SetUpWriter(writer);
  // A tiny page cache: a big transaction spills frames to the WAL and reads them back.
  ASSERT_EQ(writer.Exec("PRAGMA cache_size = 8"), SQLITE_OK);
  Db reader(path, nullptr);
  int rows = 0;
  for (int batch : {1, 7, 150, 3, 400}) {
    ASSERT_EQ(InsertRows(writer, rows + 1, batch), SQLITE_OK);
    rows += batch;
    // Rewrites inside one transaction: frames of the same pages written again.
    ASSERT_EQ(writer.Exec("BEGIN; UPDATE t SET v = randomblob(600) WHERE id % 5 = 0;"
                          " UPDATE t SET v = randomblob(600) WHERE id % 5 = 0; COMMIT"),
              SQLITE_OK);
    EXPECT_EQ(reader.Text("SELECT count(*) FROM t"), std::to_string(rows));
  }
  const std::string sum = writer.Text("SELECT sum(length(v)) || ':' || sum(unicode(v)) FROM t");
  EXPECT_EQ(reader.Text("SELECT sum(length(v)) || ':' || sum(unicode(v)) FROM t"), sum);
  Db reopened(path, nullptr);
  EXPECT_EQ(reopened.Text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(reopened.Text("SELECT sum(length(v)) || ':' || sum(unicode(v)) FROM t"), sum);
}

// Parameterized only to share the "store/" prefix that `ctest -R store` selects.
class WalWriteBufferTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    RegisterVfses();
    wal_writes = 0;
    wal_written_end = 0;
    fail_wal_writes = false;
  }
  void TearDown() override { fail_wal_writes = false; }

  TempDir dir_;
};

TEST_P(WalWriteBufferTest, EachCommitReachesTheWalInOneWrite) {
  // Five commits of 20 rows each; how many writes reached the WAL.
  auto wal_writes_for = [&](const char* file, const char* vfs) {
    Db db(dir_.File(file), vfs);
    SetUpWriter(db);
    wal_writes = 0;
    for (int i = 0; i < 5; ++i) EXPECT_EQ(InsertRows(db, i * 20 + 1, 20), SQLITE_OK);
    return wal_writes.load();
  };
  const int direct = wal_writes_for("direct.db", "counting");
  const int buffered = wal_writes_for("buffered.db", "buffered-large");
  // 20 rows of 600 bytes dirty at least 12 pages: two writes per frame without the buffer.
  EXPECT_GE(direct, 5 * 24);
  EXPECT_LE(buffered, 5);
}

// Both buffer sizes: 4 KiB, which every commit overflows many times, and the store's, which
// the largest transaction here (400 pages) overflows too; and the store's VFS as it is.
TEST_P(WalWriteBufferTest, ReadersSeeEveryCommitAndAReopenKeepsIt) {
  for (const char* vfs : {"buffered", "buffered-large", "buffered-filled"}) {
    SCOPED_TRACE(vfs);
    ReadersSeeEveryCommitAndAReopenKeepsIt(dir_.File(std::string(vfs) + ".db"), vfs);
  }
}

TEST_P(WalWriteBufferTest, AFailedWriteFailsTheCommitAndChangesNothing) {
  const std::string path = dir_.File("f.db");
  Db writer(path, "buffered-large");
  SetUpWriter(writer);
  ASSERT_EQ(InsertRows(writer, 1, 10), SQLITE_OK);
  Db reader(path, nullptr);

  fail_wal_writes = true;
  // The buffer accepts the frames; the commit's sync writes them out, fails, and so does
  // the commit.
  ASSERT_EQ(writer.Exec("BEGIN"), SQLITE_OK);
  ASSERT_EQ(InsertRows(writer, 11, 20), SQLITE_OK);
  EXPECT_EQ(writer.Exec("COMMIT"), SQLITE_IOERR_WRITE);
  (void)writer.Exec("ROLLBACK");
  fail_wal_writes = false;

  EXPECT_EQ(reader.Text("SELECT count(*) FROM t"), "10");
  ASSERT_EQ(InsertRows(writer, 11, 20), SQLITE_OK);
  EXPECT_EQ(reader.Text("SELECT count(*) FROM t"), "30");
  Db reopened(path, nullptr);
  EXPECT_EQ(reopened.Text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(reopened.Text("SELECT count(*) || ':' || max(id) FROM t"), "30:30");
}

// Through the VFS's file methods: a buffer filled to exactly its size (256 KiB) reaches the
// file whole, and what is read back is what was written. (The unix VFS writes at most 128 KiB - 1
// bytes per call: a single write of 256 KiB would write nothing and report a full disk.)
TEST_P(WalWriteBufferTest, AFullBufferIsWrittenWhole) {
  sqlite3_vfs* vfs = sqlite3_vfs_find("buffered-large");
  ASSERT_NE(vfs, nullptr);
  // The unix VFS gives a WAL the permissions of its database, which must exist.
  Db(dir_.File("direct"), nullptr);
  const std::string path = dir_.File("direct-wal");
  std::vector<char> storage(static_cast<size_t>(vfs->szOsFile));
  auto* file = reinterpret_cast<sqlite3_file*>(storage.data());
  int out_flags = 0;
  ASSERT_EQ(vfs->xOpen(vfs, path.c_str(), file,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_WAL, &out_flags),
            SQLITE_OK);
  std::vector<char> page(1024);
  constexpr int kPages = static_cast<int>(kWalWriteBufferBytes / 1024);
  wal_writes = 0;
  for (int i = 0; i < kPages; ++i) {
    std::fill(page.begin(), page.end(), static_cast<char>(i));
    ASSERT_EQ(file->pMethods->xWrite(file, page.data(), 1024, sqlite3_int64{i} * 1024), SQLITE_OK);
  }
  EXPECT_EQ(wal_writes, 0);  // all of it still in the buffer
  EXPECT_EQ(file->pMethods->xSync(file, SQLITE_SYNC_NORMAL), SQLITE_OK);
  EXPECT_EQ(wal_writes, 4);  // 64 KiB at a time
  sqlite3_int64 size = 0;
  EXPECT_EQ(file->pMethods->xFileSize(file, &size), SQLITE_OK);
  EXPECT_EQ(size, static_cast<sqlite3_int64>(kWalWriteBufferBytes));
  for (int i = 0; i < kPages; i += 37) {
    ASSERT_EQ(file->pMethods->xRead(file, page.data(), 1024, sqlite3_int64{i} * 1024), SQLITE_OK);
    EXPECT_EQ(std::count(page.begin(), page.end(), static_cast<char>(i)), 1024) << "page " << i;
  }
  EXPECT_EQ(file->pMethods->xClose(file), SQLITE_OK);
}

int64_t FileSize(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec ? -1 : static_cast<int64_t>(size);
}

// The store's VFS keeps the WAL longer than the log, in zeros. A copy of the database and its
// WAL taken then, as a crash would leave them (no -shm: the copy rebuilds its WAL index from the
// file), recovers every commit: recovery stops at the zeros as at any invalid frame.
TEST_P(WalWriteBufferTest, ACrashImageWithAZeroFilledWalRecoversEveryCommit) {
  const std::string path = dir_.File("z.db");
  Db writer(path, "buffered-filled");
  SetUpWriter(writer);
  int rows = 0;
  for (int batch : {3, 40, 1, 200, 7}) {
    ASSERT_EQ(InsertRows(writer, rows + 1, batch), SQLITE_OK);
    rows += batch;
  }
  // The filler runs on its own thread: wait until the file reaches past the log.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (FileSize(path + "-wal") <= wal_written_end.load() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const int64_t log_end = wal_written_end.load();
  ASSERT_GT(FileSize(path + "-wal"), log_end);
  const std::string sum = writer.Text("SELECT sum(length(v)) || ':' || sum(unicode(v)) FROM t");

  TempDir crash;
  std::filesystem::copy_file(path, crash.File("z.db"));
  std::filesystem::copy_file(path + "-wal", crash.File("z.db-wal"));
  {
    std::ifstream wal(crash.File("z.db-wal"), std::ios::binary);
    wal.seekg(log_end);
    const std::string tail((std::istreambuf_iterator<char>(wal)), std::istreambuf_iterator<char>());
    EXPECT_FALSE(tail.empty());
    EXPECT_EQ(tail, std::string(tail.size(), '\0'));
  }
  Db recovered(crash.File("z.db"), nullptr);
  EXPECT_EQ(recovered.Text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(recovered.Text("SELECT count(*) FROM t"), std::to_string(rows));
  EXPECT_EQ(recovered.Text("SELECT sum(length(v)) || ':' || sum(unicode(v)) FROM t"), sum);
}

// What the store's writer relies on (wal_write_buffer.h): with cache_spill off, a transaction
// far bigger than the page cache writes no frame before its commit; with it on, it does.
TEST_P(WalWriteBufferTest, WithCacheSpillOffFramesAreWrittenOnlyByTheCommit) {
  for (const bool spill : {false, true}) {
    SCOPED_TRACE(spill ? "cache_spill on" : "cache_spill off");
    Db db(dir_.File(spill ? "spill.db" : "nospill.db"), "counting");
    SetUpWriter(db);
    ASSERT_EQ(db.Exec("PRAGMA cache_size = 8"), SQLITE_OK);
    ASSERT_EQ(db.Exec(spill ? "PRAGMA cache_spill = ON" : "PRAGMA cache_spill = OFF"), SQLITE_OK);
    ASSERT_EQ(db.Exec("BEGIN"), SQLITE_OK);
    wal_writes = 0;
    ASSERT_EQ(InsertRows(db, 1, 400), SQLITE_OK);
    const int before_commit = wal_writes.load();
    ASSERT_EQ(db.Exec("COMMIT"), SQLITE_OK);
    if (spill) {
      EXPECT_GT(before_commit, 0);
    } else {
      EXPECT_EQ(before_commit, 0);
    }
    EXPECT_GT(wal_writes.load(), before_commit);
    EXPECT_EQ(db.Text("SELECT count(*) FROM t"), "400");
  }
}

INSTANTIATE_TEST_SUITE_P(store, WalWriteBufferTest, ::testing::Values("sqlite"));

}  // namespace
}  // namespace chime::store::sqlite
