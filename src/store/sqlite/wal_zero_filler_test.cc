// The WAL zero filler on plain files: how far it fills, that it never replaces a byte someone
// else wrote (even while they append at explicit offsets, as SQLite does), where it stops after
// SQLite trimmed the file, and that it tries again after a failed fill.
#include "store/sqlite/wal_zero_filler.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/test_temp_dir.h"

namespace chime::store::sqlite {
namespace {

int64_t SizeOf(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_size : -1;
}

std::vector<char> ReadAll(const std::string& path) {
  std::vector<char> out(static_cast<size_t>(SizeOf(path)));
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(::pread(fd, out.data(), out.size(), 0), static_cast<ssize_t>(out.size()));
  ::close(fd);
  return out;
}

// Writes `n` bytes of `byte` at `offset` through a descriptor of its own.
void WriteAt(const std::string& path, int64_t offset, size_t n, char byte) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  const std::vector<char> data(n, byte);
  ASSERT_EQ(::pwrite(fd, data.data(), n, offset), static_cast<ssize_t>(n));
  ::close(fd);
}

// Waits (up to 10 s) until the filler has finished `fills` fills.
bool WaitForFills(const WalZeroFiller& filler, int64_t fills) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (filler.fills() < fills) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

class WalZeroFillerTest : public ::testing::TestWithParam<const char*> {
 protected:
  WalZeroFillerOptions Options() {
    WalZeroFillerOptions o;
    o.min_lead_bytes = 4096;
    o.max_lead_bytes = 64 * 1024;
    o.chunk_bytes = 5000;  // not a divisor of the leads: the last write of a fill is partial
    return o;
  }
  TempDir dir_;
};

TEST_P(WalZeroFillerTest, FillsPastTheLogByTheLogsOwnLengthWithinTheBounds) {
  const std::string path = dir_.File("a-wal");
  WriteAt(path, 0, 3000, 'x');
  auto filler = WalZeroFiller::Start(path, Options());
  ASSERT_NE(filler, nullptr);

  filler->NoteLogEnd(3000);  // the lead is the minimum, 4096 bytes
  ASSERT_TRUE(WaitForFills(*filler, 1));
  EXPECT_EQ(SizeOf(path), 3000 + 4096);
  std::vector<char> bytes = ReadAll(path);
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 3000), std::string(3000, 'x'));
  EXPECT_EQ(std::string(bytes.begin() + 3000, bytes.end()), std::string(4096, '\0'));

  // The log grew into the zeros, but more than half the lead is left: nothing to do. The next
  // end that leaves less asks for a fill, which goes up to that end plus its lead (the end
  // itself, 40,000 bytes, is within the bounds).
  WriteAt(path, 3000, 1000, 'y');
  filler->NoteLogEnd(4000);
  WriteAt(path, 4000, 36000, 'z');
  filler->NoteLogEnd(40000);
  ASSERT_TRUE(WaitForFills(*filler, 2));
  EXPECT_EQ(filler->fills(), 2);
  EXPECT_EQ(SizeOf(path), 80000);
  EXPECT_EQ(filler->appended_bytes(), 4096 + (80000 - 40000));

  // Past the upper bound the lead stays at it.
  WriteAt(path, 40000, 200000, 'w');
  filler->NoteLogEnd(240000);
  ASSERT_TRUE(WaitForFills(*filler, 3));
  EXPECT_EQ(SizeOf(path), 240000 + 64 * 1024);
  bytes = ReadAll(path);
  EXPECT_EQ(std::string(bytes.begin() + 3000, bytes.begin() + 4000), std::string(1000, 'y'));
  EXPECT_EQ(std::string(bytes.begin() + 4000, bytes.begin() + 40000), std::string(36000, 'z'));
  EXPECT_EQ(std::string(bytes.begin() + 40000, bytes.begin() + 240000), std::string(200000, 'w'));
  EXPECT_EQ(std::string(bytes.begin() + 240000, bytes.end()), std::string(64 * 1024, '\0'));
}

// Someone else (SQLite, in this process or another) appends records at explicit offsets, past
// the file's end, while the filler fills as fast as it is asked: every record survives whole.
TEST_P(WalZeroFillerTest, NeverReplacesWhatAnotherWriterAppends) {
  const std::string path = dir_.File("b-wal");
  WriteAt(path, 0, 1, 'h');
  WalZeroFillerOptions options = Options();
  options.min_lead_bytes = options.max_lead_bytes = 8 * 1024;
  auto filler = WalZeroFiller::Start(path, options);
  ASSERT_NE(filler, nullptr);

  constexpr int kRecords = 3000;
  constexpr size_t kRecord = 333;  // records straddle the filler's chunks and the file's end
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  for (int i = 0; i < kRecords; ++i) {
    const std::vector<char> record(kRecord, static_cast<char>('A' + i % 26));
    const int64_t offset = 1 + int64_t{i} * kRecord;
    ASSERT_EQ(::pwrite(fd, record.data(), kRecord, offset), static_cast<ssize_t>(kRecord));
    filler->NoteLogEnd(offset + static_cast<int64_t>(kRecord));
  }
  ::close(fd);
  filler.reset();  // joins: no fill is in progress while we read

  const std::vector<char> bytes = ReadAll(path);
  ASSERT_GE(bytes.size(), 1 + kRecords * kRecord);
  for (int i = 0; i < kRecords; ++i) {
    const char* record = bytes.data() + 1 + static_cast<size_t>(i) * kRecord;
    ASSERT_EQ(std::string(record, kRecord), std::string(kRecord, static_cast<char>('A' + i % 26)))
        << "record " << i;
  }
  for (size_t i = 1 + kRecords * kRecord; i < bytes.size(); ++i) {
    ASSERT_EQ(bytes[i], '\0') << "byte " << i;
  }
}

// SQLite trims the WAL to its size bound when the log starts over: zeros past the bound would
// only be trimmed again, so after a trim the filler stops there, also once the log has passed it.
TEST_P(WalZeroFillerTest, AfterATrimItFillsNoFurtherThanTheTrim) {
  const std::string path = dir_.File("c-wal");
  WriteAt(path, 0, 50000, 'x');
  auto filler = WalZeroFiller::Start(path, Options());
  ASSERT_NE(filler, nullptr);
  filler->NoteLogEnd(50000);
  ASSERT_TRUE(WaitForFills(*filler, 1));
  ASSERT_EQ(SizeOf(path), 100000);

  ASSERT_EQ(::truncate(path.c_str(), 20000), 0);
  filler->NoteTruncated(20000);
  WriteAt(path, 0, 5000, 'n');  // the log starts over at the file's start
  filler->NoteLogEnd(5000);
  WriteAt(path, 5000, 19000, 'm');  // ... and grows past the bound
  filler->NoteLogEnd(24000);
  // Nothing to wait for: give a wrong fill the time to happen.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(filler->fills(), 1);
  EXPECT_EQ(SizeOf(path), 24000);
  const std::vector<char> bytes = ReadAll(path);
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 5000), std::string(5000, 'n'));
  EXPECT_EQ(std::string(bytes.begin() + 5000, bytes.end()), std::string(19000, 'm'));
}

// A fill the file system refuses (here: past the process's file size limit, as a full disk
// would) leaves what it wrote, and the filler tries again later instead of giving up.
TEST_P(WalZeroFillerTest, AfterAFailedFillItTriesAgainLater) {
  const std::string path = dir_.File("d-wal");
  WriteAt(path, 0, 1000, 'x');
  auto filler = WalZeroFiller::Start(path, Options());
  ASSERT_NE(filler, nullptr);

  struct rlimit saved {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  void (*saved_handler)(int) = std::signal(SIGXFSZ, SIG_IGN);  // EFBIG instead of a signal
  struct rlimit limited = saved;
  limited.rlim_cur = 2000;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);
  filler->NoteLogEnd(1000);
  const bool failed_fill = WaitForFills(*filler, 1);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &saved), 0);
  std::signal(SIGXFSZ, saved_handler);
  ASSERT_TRUE(failed_fill);
  EXPECT_EQ(SizeOf(path), 2000);  // the zeros up to the limit

  // Asked again while it waits after the failure: it fills once the wait is over.
  filler->NoteLogEnd(1000);
  ASSERT_TRUE(WaitForFills(*filler, 2));
  EXPECT_EQ(SizeOf(path), 1000 + 4096);
  const std::vector<char> bytes = ReadAll(path);
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 1000), std::string(1000, 'x'));
  EXPECT_EQ(std::string(bytes.begin() + 1000, bytes.end()), std::string(4096, '\0'));
}

TEST_P(WalZeroFillerTest, AMissingFileStartsNothing) {
  EXPECT_EQ(WalZeroFiller::Start(dir_.File("missing-wal"), Options()), nullptr);
  EXPECT_EQ(SizeOf(dir_.File("missing-wal")), -1);  // and did not create it
}

// Parameterized only to share the "store/" prefix that `ctest -R store` selects.
INSTANTIATE_TEST_SUITE_P(store, WalZeroFillerTest, ::testing::Values("sqlite"));

}  // namespace
}  // namespace chime::store::sqlite
