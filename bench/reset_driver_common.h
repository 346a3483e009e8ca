// What bench/store_reset_driver.cc and bench/pg_reset_loop.cc share: their common flags, the
// users they reset and in what order, the audit record's clock and principal, and the one JSON
// line bench/pg_bench.py reads back.
#pragma once

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace chime::bench {

// The flags both drivers take.
struct DriverFlags {
  std::string url;  // --store
  std::string account_id;
  std::string users_file;
  std::string key_id;  // "" for resets without an access-key check
  int clients = 8;
  double seconds = 5;

  void AddTo(CLI::App& app) {
    app.add_option("--store", url,
                   "chimed's store URL (postgres://…; the store driver: sqlite:PATH too)")
        ->required();
    app.add_option("--account", account_id, "the users' account id")->required();
    app.add_option("--users", users_file, "file of user ids, one per line")->required();
    app.add_option("--key", key_id,
                   "access key whose row each reset checks, as a cache-admitted request does");
    app.add_option("--clients", clients, "resets in flight at once")->check(CLI::Range(1, 1024));
    app.add_option("--seconds", seconds, "how long to run")->check(CLI::PositiveNumber);
  }
  // The audit record's principal.
  std::string principal() const { return key_id.empty() ? "bench" : key_id; }
};

// The audit record's time of a reset started now, as chimed's clock gives it.
inline int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The non-empty lines of `path`; empty when it cannot be read.
inline std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// The user client `c` of `clients` resets after `user`: users c, c + clients, c + 2 × clients,
// … then c again, so that no two clients reset the same user (as wrk's connections replay
// distinct users) and no client waits on another's row lock.
inline size_t NextUser(size_t user, int c, int clients, size_t users) {
  user += static_cast<size_t>(clients);
  return user < users ? user : static_cast<size_t>(c);
}

// Prints {"resets", "seconds", "req_per_s", "p50_us", "p99_us", "max_us", "errors"}.
inline void PrintResult(std::vector<int64_t> latencies_us, double wall_seconds, int64_t errors) {
  std::sort(latencies_us.begin(), latencies_us.end());
  auto at = [&](double q) -> long long {
    if (latencies_us.empty()) return 0;
    return latencies_us[std::min(latencies_us.size() - 1,
                                 static_cast<size_t>(q * latencies_us.size()))];
  };
  std::printf(
      "{\"resets\": %zu, \"seconds\": %.3f, \"req_per_s\": %.1f, \"p50_us\": %lld, "
      "\"p99_us\": %lld, \"max_us\": %lld, \"errors\": %lld}\n",
      latencies_us.size(), wall_seconds, latencies_us.size() / wall_seconds, at(0.5), at(0.99),
      latencies_us.empty() ? 0LL : static_cast<long long>(latencies_us.back()),
      static_cast<long long>(errors));
}

}  // namespace chime::bench
