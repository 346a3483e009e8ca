// An HTTP/1.1 server on Boost.Beast/Asio: keep-alive, a pool of I/O threads, bounded request
// sizes, and graceful shutdown. It knows nothing of Chime: every request is handed to a
// Handler together with a Responder, which may be called later from any thread (for example
// from the store's commit thread), so an I/O thread never waits for the disk.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "http/message.h"

namespace chime::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;                  // 0 picks a free port
  int threads = 0;                       // 0 means one per core
  uint64_t max_body_bytes = 1 << 20;     // larger bodies: 413 and close
  uint32_t max_header_bytes = 16 << 10;  // larger heads: 431 and close
  uint32_t max_header_count = 100;       // more fields: 431 and close
  uint32_t max_uri_bytes = 8 << 10;      // longer request-targets: 414 and close
  // A request head must arrive completely within this many seconds of its first byte (or of
  // the accept, for a connection's first request); slowloris connections are closed.
  int header_timeout_seconds = 10;
  int body_timeout_seconds = 30;         // the body must arrive within this after the head
  int idle_timeout_seconds = 60;         // keep-alive connections idle longer are closed
  int max_connections = 4096;            // open connections at most; further accepts are closed
  int max_connections_per_client = 256;  // per peer IP address
};

// Called exactly once per request, from any thread.
using Responder = std::function<void(Response)>;
using Handler = std::function<void(Request, Responder)>;

class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. kUnavailable when the address cannot be bound.
  Status Start();
  // "127.0.0.1:PORT" of the bound socket; valid after Start().
  std::string BoundAddress() const;
  // Serves on the I/O threads until Stop() and every in-flight request has been answered.
  void Run();
  // Runs `fn` on an I/O thread soon. Thread-safe; for work that must not run on the caller's
  // thread (a queued request admitted from the store's commit thread).
  void Post(std::function<void()> fn);
  // Stops accepting, closes idle connections, lets in-flight requests finish. Thread-safe,
  // async-signal-unsafe (call it from a signal_set handler or another thread).
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chime::http
