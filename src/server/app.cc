#include "server/app.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <thread>

#include "api/api.h"
#include "auth/access_keys.h"
#include "auth/bootstrap.h"
#include "auth/key_resolver.h"
#include "auth/secret_box.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/random.h"
#include "common/thread_name.h"
#include "http/server.h"
#include "server/admission.h"
#include "server/readiness.h"
#include "server/security_gate.h"
#include "server/store_factory.h"
#include "server/throttle.h"
#include "store/postgres/pg_store.h"

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

std::optional<std::string> Env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

// Loads the master key and makes sure a root access key exists. Prints the path of a freshly
// generated root credentials file (never its contents).
StatusOr<auth::SecretBox> PrepareCredentials(const ServerConfig& config, store::Store& store) {
  ASSIGN_OR_RETURN(auth::LoadedMasterKey master,
                   auth::LoadOrCreateMasterKey(MasterKeySourceFor(config), CryptoRandom::Get()));
  if (master.created) LOG_INFO("created master key file " << master.origin << " (mode 0600)");
  ASSIGN_OR_RETURN(auth::SecretBox box, auth::SecretBox::Create(master.key));
  OPENSSL_cleanse(master.key.data(), master.key.size());
  auth::AccessKeys keys(store, box, SystemClock::Get(), CryptoRandom::Get());
  ASSIGN_OR_RETURN(
      auth::BootstrapResult root,
      auth::BootstrapRootKey(keys, {Env("CHIMED_ROOT_ACCESS_KEY_ID"),
                                    Env("CHIMED_ROOT_SECRET_ACCESS_KEY"), config.data_dir}));
  if (root.credentials_file) {
    std::printf("chimed: generated the root access key %s; its credentials are in %s\n",
                root.root_access_key_id.c_str(), root.credentials_file->c_str());
    std::fflush(stdout);
    LOG_INFO("generated root access key " << root.root_access_key_id << "; credentials written to "
                                          << *root.credentials_file << " (mode 0600)");
  } else if (root.from_environment) {
    LOG_INFO("root access key " << root.root_access_key_id
                                << " taken from CHIMED_ROOT_ACCESS_KEY_ID");
  }
  return box;
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
  ApplyHttpLimits(config.limits, http_options);
  auto throttle_options = ToThrottleOptions(config.limits);
  if (!throttle_options.ok()) {
    std::fprintf(stderr, "chimed: %s\n", throttle_options.status().message().c_str());
    return 2;
  }

  sigset_t signals = BlockShutdownSignals();
  // Request lines reach stderr at most 100 ms late, warnings and errors at once, all on exit.
  // After the signals are blocked: the flusher thread inherits the mask, so SIGTERM reaches
  // the waiter below and never kills the process through this thread.
  log::Buffering log_buffering(std::chrono::milliseconds(100));

  auto store = OpenStore(config);
  if (!store.ok()) {
    std::fprintf(stderr, "chimed: cannot open the store: %s\n", store.status().message().c_str());
    return 1;
  }

  auto box = PrepareCredentials(config, **store);
  if (!box.ok()) {
    std::fprintf(stderr, "chimed: %s\n", box.status().message().c_str());
    (*store)->Close();
    return 1;
  }
  auth::KeyResolver key_resolver(**store, *box, SystemClock::Get());
  auth::VerifierOptions verifier_options;
  verifier_options.regions = config.regions;
  // On PostgreSQL a key read is a round trip; resets check their key in their own statement.
  const bool reset_keys_from_cache = store::postgres::IsPostgresUrl(config.store_url);
  SecurityGate gate(verifier_options, SystemClock::Get(), key_resolver, reset_keys_from_cache);

  api::Deps deps;
  deps.store = store->get();
  deps.clock = &SystemClock::Get();
  deps.random = &CryptoRandom::Get();
  deps.config.aws_account_id = config.aws_account_id;
  deps.config.strict_account_types = config.strict_account_types;
  // Admission and re-authentication post work to the server, set once it exists, before serving.
  http::Server* server_for_posts = nullptr;
  deps.defer = [&server_for_posts](std::function<void()> fn) {
    server_for_posts->Post(std::move(fn));
  };
  // Throttling after the gate, admission control around the pipeline, /readyz on the store.
  Throttler throttler(*throttle_options, SystemClock::Get());
  AdmissionControl admission(ToAdmissionOptions(config.limits), deps.defer);
  StoreReadiness readiness(**store, SqlitePathFor(config.store_url, config.data_dir));
  api::Api api(deps, &gate, {&throttler, &admission, &readiness});

  http::Server server(http_options, [&api](http::Request request, http::Responder respond) {
    api.Handle(std::move(request), std::move(respond));
  });
  server_for_posts = &server;
  if (Status s = server.Start(); !s.ok()) {
    std::fprintf(stderr, "chimed: %s\n", s.message().c_str());
    return 1;
  }
  // Tests and scripts read this one line to learn the bound port.
  std::printf("chimed listening on http://%s\n", server.BoundAddress().c_str());
  std::fflush(stdout);
  LOG_INFO("serving with data dir " << config.data_dir);

  std::thread signal_waiter([&server, signals] {
    NameThisThread("chimed-signals");
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
