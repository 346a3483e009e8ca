// chimed's protective limits: HTTP sizes and deadlines, connection caps, admission control and
// throttling. Every flag has an environment equivalent (CHIMED_...); flags win. The defaults
// suit one chimed serving a site's tools and phones; README "Operating chimed" explains each.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "http/server.h"
#include "server/admission.h"
#include "server/throttle.h"

namespace chime::server {

struct LimitsConfig {
  int max_body_kib = 1024;                  // --max-body-kib: larger bodies get 413
  int max_header_kib = 16;                  // --max-header-kib: larger heads get 431
  int max_header_count = 100;               // --max-header-count: more fields get 431
  int max_uri_bytes = 8192;                 // --max-uri-bytes: longer targets get 414
  int header_timeout_s = 10;                // --header-timeout
  int body_timeout_s = 30;                  // --body-timeout
  int idle_timeout_s = 60;                  // --idle-timeout
  int max_connections = 4096;               // --max-connections
  int max_connections_per_client = 256;     // --max-connections-per-client
  int max_in_flight = 256;                  // --max-in-flight
  int max_queue = 1024;                     // --max-queue
  std::string throttle = "1000:500";        // --throttle BURST:PER_SECOND per access key
  std::vector<std::string> throttle_ops;    // --throttle-op Operation=BURST:PER_SECOND
  std::string pin_reset_limit = "250:0.1";  // --pin-reset-limit BURST:PER_SECOND per user
};

// Registers the limit flags on `app`.
void AddLimitFlags(CLI::App& app, LimitsConfig& config);

// Copies the HTTP limits into `options`.
void ApplyHttpLimits(const LimitsConfig& config, http::ServerOptions& options);
AdmissionOptions ToAdmissionOptions(const LimitsConfig& config);
// kInvalidArgument naming the flag when a rate or operation name is malformed.
StatusOr<ThrottleOptions> ToThrottleOptions(const LimitsConfig& config);

}  // namespace chime::server
