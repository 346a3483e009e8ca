// The HTTP transport behind the client: an interface, so that tests inject a scripted fake and
// the library never needs a network in unit tests.
#pragma once

#include <cstdint>
#include <memory>

#include "client/endpoint.h"
#include "client/result.h"
#include "http/message.h"

namespace chime::client {

struct TransportOptions {
  int64_t connect_timeout_ms = 10'000;  // TCP connect plus TLS handshake
  int64_t read_timeout_ms = 60'000;     // whole response, from the end of the write
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Sends `request` to `endpoint` and returns the response, whatever its status. The request
  // carries its own Host and signing headers; the transport adds Content-Length and framing.
  // Errors: kTimeout for a connect or read timeout, kNetwork for any other failure to connect,
  // write or read (name "ConnectionError", "SSLError", ...). Must be thread-safe: one client
  // is shared by concurrent callers.
  virtual Result<http::Response> Send(const Endpoint& endpoint, const http::Request& request,
                                      const TransportOptions& options) = 0;
};

struct BeastTransportOptions {
  int max_idle_connections_per_host = 16;  // kept-alive connections reused by later calls
  bool verify_peer = true;                 // TLS: verify the certificate chain and host name
  std::string ca_file;                     // TLS: extra CA bundle (PEM); empty = system default
};

// The real transport: Boost.Beast over TCP, TLS through OpenSSL for https endpoints, HTTP/1.1
// keep-alive with a per-host pool of idle connections. A request that fails on a reused idle
// connection before any response byte arrives is retried once on a fresh connection (the server
// may have closed it while idle), which is safe because nothing was processed.
std::shared_ptr<HttpTransport> MakeBeastTransport(const BeastTransportOptions& options = {});

}  // namespace chime::client
