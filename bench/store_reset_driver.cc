// Drives a store's ResetPersonalPIN write directly, without HTTP or SigV4: `clients` clients,
// each with one reset in flight at a time (as pgbench's clients and wrk's connections are),
// for `seconds`. It measures the store (PostgreSQL: the I/O thread's reset loop, the writers
// behind it, the pipelined batch statement) beside pgbench running the same UPDATE, so that
// bench/pg_bench.py can tell what the store costs from what chimed's HTTP front costs.
//
// The clients live on one event loop, as chimed's connections live on its I/O thread (the
// bench runs chimed with one): each starts its next reset from the loop when the last one is
// answered, and an answer that comes from a writer thread is posted to the loop first, as
// chimed's responder posts it to the connection's thread. So the store takes the path it takes
// in chimed (PostgreSQL: PgResetLoop).
//
// The resets are ResetPersonalPIN's exactly (src/api/operations/reset_personal_pin.cc): the
// same audit record, the system CSPRNG, and, with --key, the access-key check that a request
// admitted from the SigV4 gate's cache carries into the reset's statement.
//
// Prints one JSON line (reset_driver_common.h).
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/event_loop.h"
#include "common/random.h"
#include "http/asio_event_loop.h"
#include "reset_driver_common.h"
#include "server/store_factory.h"
#include "store/store.h"

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

struct Client {
  size_t user = 0;
  int64_t n = 0;
  Clock::time_point started;
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

  asio::io_context io(1);
  auto work = asio::make_work_guard(io);
  chime::http::AsioEventLoop events(io);
  std::vector<Client> clients(flags.clients);
  bool stopping = false;  // the loop's thread only
  int in_flight = 0;
  // Starts client c's next reset; runs on the loop's thread.
  std::function<void(int)> start_reset = [&](int c) {
    Client& client = clients[c];
    if (stopping) {
      if (--in_flight == 0) work.reset();
      return;
    }
    chime::store::PinResetAudit audit{
        "bench-" + std::to_string(c) + "-" + std::to_string(client.n++), flags.principal(),
        flags.account_id, users[client.user], chime::bench::WallClockMs()};
    client.started = Clock::now();
    (*store)->ResetPin(
        std::move(audit), key, chime::CryptoRandom::Get(),
        [&, c](chime::StatusOr<chime::model::User> user) {
          asio::post(io, [&, c, status = user.status()]() mutable {
            Client& client = clients[c];
            const auto us =
                std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - client.started)
                    .count();
            if (status.ok()) {
              client.latencies_us.push_back(us);
            } else if (client.errors++ == 0) {
              client.first_error = std::move(status);
            }
            client.user = chime::bench::NextUser(client.user, c, flags.clients, users.size());
            start_reset(c);
          });
        });
  };
  asio::steady_timer stop_timer(io, std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(flags.seconds)));
  stop_timer.async_wait([&](boost::system::error_code) { stopping = true; });
  const auto start = Clock::now();
  asio::post(io, [&] {
    for (int c = 0; c < flags.clients; ++c) {
      clients[c].user = static_cast<size_t>(c);
      ++in_flight;
      start_reset(c);
    }
  });
  {
    chime::EventLoop::Scope current(&events);
    io.run();
  }
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  (*store)->Close();  // before the event loop goes: the store's reset loop watched it
  store->reset();

  std::vector<int64_t> all;
  int64_t errors = 0;
  for (auto& c : clients) {
    all.insert(all.end(), c.latencies_us.begin(), c.latencies_us.end());
    errors += c.errors;
    if (!c.first_error.ok())
      std::cerr << "store_reset_driver: " << c.first_error.ToString() << "\n";
  }
  chime::bench::PrintResult(std::move(all), wall, errors);
  return errors == 0 ? 0 : 1;
}
