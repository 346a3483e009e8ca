// Drives a store's ResetPersonalPIN write directly, without HTTP or SigV4: `clients` threads,
// each with one reset in flight at a time (as pgbench's clients and wrk's connections are),
// for `seconds`. It measures the store (PostgreSQL: the pool, the writers' group commit, the
// pipelined batch statement) beside pgbench running the same UPDATE, so that
// bench/pg_bench.py can tell what the store costs from what chimed's HTTP front costs.
//
// The resets are ResetPersonalPIN's exactly (src/api/operations/reset_personal_pin.cc): the
// same audit record, the system CSPRNG, and, with --key, the access-key check that a request
// admitted from the SigV4 gate's cache carries into the reset's statement.
//
// Prints one JSON line (reset_driver_common.h).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/random.h"
#include "reset_driver_common.h"
#include "server/store_factory.h"
#include "store/store.h"

namespace {

using Clock = std::chrono::steady_clock;

// One reset through the store's asynchronous ResetPin, waited for.
class Waiter {
 public:
  // The reset's failure, or OK.
  chime::Status Reset(chime::store::Store& store, chime::store::PinResetAudit audit,
                      const std::optional<chime::store::AccessKeyCheck>& key) {
    {
      std::lock_guard lock(mu_);
      done_ = false;
    }
    store.ResetPin(std::move(audit), key, chime::CryptoRandom::Get(),
                   [this](chime::StatusOr<chime::model::User> user) {
                     std::lock_guard lock(mu_);
                     status_ = user.status();
                     done_ = true;
                     cv_.notify_one();
                   });
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return done_; });
    return status_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  chime::Status status_;
};

struct ClientResult {
  std::vector<int64_t> latencies_us;
  int64_t errors = 0;
  chime::Status first_error;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Drive a store's ResetPersonalPIN write at a fixed concurrency"};
  chime::bench::DriverFlags flags;
  flags.AddTo(app);
  int pg_writers = chime::server::ServerConfig().pg_writers;
  app.add_option("--pg-writers", pg_writers, "chimed's --pg-writers")->check(CLI::Range(1, 64));
  CLI11_PARSE(app, argc, argv);

  const std::vector<std::string> users = chime::bench::ReadLines(flags.users_file);
  if (users.size() < static_cast<size_t>(flags.clients)) {
    std::cerr << "store_reset_driver: fewer users than clients\n";
    return 2;
  }

  chime::server::ServerConfig config;
  config.pg_writers = pg_writers;
  auto store = chime::server::OpenStoreUrl(flags.url, config);
  if (!store.ok()) {
    std::cerr << "store_reset_driver: " << store.status().ToString() << "\n";
    return 1;
  }
  std::optional<chime::store::AccessKeyCheck> key;
  if (!flags.key_id.empty()) {
    auto row = (*store)->ReadAccessKey(flags.key_id);
    if (!row.ok() || !row->has_value()) {
      std::cerr << "store_reset_driver: no access key " << flags.key_id << "\n";
      return 1;
    }
    const auto& r = **row;
    key = chime::store::AccessKeyCheck{r.access_key_id, r.encrypted_secret, r.session_token_hash,
                                       r.policy_json};
  }

  std::vector<ClientResult> results(flags.clients);
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int c = 0; c < flags.clients; ++c) {
    threads.emplace_back([&, c] {
      Waiter waiter;
      ClientResult& out = results[c];
      int64_t n = 0;
      for (size_t u = c; !stop.load(std::memory_order_relaxed);
           u = chime::bench::NextUser(u, c, flags.clients, users.size())) {
        chime::store::PinResetAudit audit{"bench-" + std::to_string(c) + "-" + std::to_string(n++),
                                          flags.principal(), flags.account_id, users[u],
                                          chime::bench::WallClockMs()};
        auto t0 = Clock::now();
        chime::Status status = waiter.Reset(**store, std::move(audit), key);
        auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count();
        if (status.ok()) {
          out.latencies_us.push_back(us);
        } else if (out.errors++ == 0) {
          out.first_error = std::move(status);
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(flags.seconds));
  stop = true;
  for (auto& t : threads) t.join();
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  store->reset();

  std::vector<int64_t> all;
  int64_t errors = 0;
  for (auto& r : results) {
    all.insert(all.end(), r.latencies_us.begin(), r.latencies_us.end());
    errors += r.errors;
    if (!r.first_error.ok())
      std::cerr << "store_reset_driver: " << r.first_error.ToString() << "\n";
  }
  chime::bench::PrintResult(std::move(all), wall, errors);
  return errors == 0 ? 0 : 1;
}
