#include "server/app.h"

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <thread>

#include "api/api.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/random.h"
#include "http/server.h"
#include "server/store_factory.h"

namespace chime::server {
namespace {

// Blocks SIGTERM/SIGINT in every thread (threads inherit the mask), so one waiter thread
// receives them with sigwait and shutdown runs as ordinary code, not in a signal handler.
sigset_t BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

}  // namespace

int RunServer(const ServerConfig& config) {
  log::Level level;
  if (log::ParseLevel(config.log_level, &level)) log::SetLevel(level);

  http::ServerOptions http_options;
  if (!SplitHostPort(config.listen, &http_options.host, &http_options.port)) {
    std::fprintf(stderr, "chimed: --listen must be HOST:PORT, got '%s'\n", config.listen.c_str());
    return 2;
  }
  http_options.threads = config.io_threads;

  sigset_t signals = BlockShutdownSignals();

  auto store = OpenStore(config);
  if (!store.ok()) {
    std::fprintf(stderr, "chimed: cannot open the store: %s\n", store.status().message().c_str());
    return 1;
  }

  api::Deps deps;
  deps.store = store->get();
  deps.clock = &SystemClock::Get();
  deps.random = &CryptoRandom::Get();
  deps.config.aws_account_id = config.aws_account_id;
  deps.config.strict_account_types = config.strict_account_types;
  api::Api api(deps, /*gate=*/nullptr);

  http::Server server(http_options, [&api](http::Request request, http::Responder respond) {
    api.Handle(std::move(request), std::move(respond));
  });
  if (Status s = server.Start(); !s.ok()) {
    std::fprintf(stderr, "chimed: %s\n", s.message().c_str());
    return 1;
  }
  // Tests and scripts read this one line to learn the bound port.
  std::printf("chimed listening on http://%s\n", server.BoundAddress().c_str());
  std::fflush(stdout);
  LOG_INFO("serving with data dir " << config.data_dir);

  std::thread signal_waiter([&server, signals] {
    int sig = 0;
    sigwait(&signals, &sig);
    LOG_INFO("received " << (sig == SIGTERM ? "SIGTERM" : "SIGINT") << "; shutting down");
    server.Stop();
  });

  server.Run();  // returns once stopped and every in-flight request is answered
  (*store)->Close();
  LOG_INFO("store closed; bye");
  // The waiter has done its job once Run() returns; detach-free exit needs it joined.
  signal_waiter.join();
  return 0;
}

}  // namespace chime::server
