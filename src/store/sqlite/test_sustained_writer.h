// Test helper: writes that never pause, for the tests of the WAL bound (wal_rewinder.h).
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>

#include "store/store.h"

namespace chime::store::sqlite {

// Keeps `in_flight_max` writes queued at all times, so that batches follow each other without a
// pause (the case where SQLite on its own never starts the WAL over), for `duration`. Returns
// the number of writes; last() holds each key's last value, largest_wal() the largest size the
// WAL file next to `path` was seen at.
class SustainedWriter {
 public:
  static constexpr int kKeys = 500;
  static constexpr size_t kDocBytes = 8000;  // about eight 1 KiB pages of WAL per write

  SustainedWriter(Store& store, std::string path) : store_(store), path_(std::move(path)) {}

  int Run(std::chrono::milliseconds duration, int in_flight_max) {
    const auto deadline = std::chrono::steady_clock::now() + duration;
    int written = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return in_flight_ < in_flight_max; });
        ++in_flight_;
      }
      const std::string key = std::to_string(written % kKeys);
      // The value names the write, so a lost or reordered one shows in the final check. Every
      // byte differs from the key's previous value: SQLite skips rewriting overflow pages whose
      // content did not change, and each write should add all its pages to the WAL.
      std::string json = "\"" + std::to_string(written) +
                         std::string(kDocBytes, static_cast<char>('a' + written % 26)) + "\"";
      last_[key] = json;
      store_.Write([key, json](Tx& tx) { return tx.PutDocument("bulk", key, json); },
                   [this](Status st) {
                     std::lock_guard lock(mu_);
                     if (!st.ok() && failure_.ok()) failure_ = st;
                     --in_flight_;
                     cv_.notify_one();
                   });
      ++written;
      std::error_code ec;
      uintmax_t wal = std::filesystem::file_size(path_ + "-wal", ec);
      if (!ec) largest_wal_ = std::max(largest_wal_, wal);
    }
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return in_flight_ == 0; });
    return written;
  }

  Status failure() {
    std::lock_guard lock(mu_);
    return failure_;
  }
  uintmax_t largest_wal() const { return largest_wal_; }
  const std::map<std::string, std::string>& last() const { return last_; }

 private:
  Store& store_;
  const std::string path_;
  std::mutex mu_;
  std::condition_variable cv_;
  int in_flight_ = 0;
  Status failure_;
  uintmax_t largest_wal_ = 0;
  std::map<std::string, std::string> last_;
};

}  // namespace chime::store::sqlite
