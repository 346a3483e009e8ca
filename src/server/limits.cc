#include "server/limits.h"

namespace chime::server {
namespace {

std::string CheckRate(const std::string& v) {
  return ParseRateLimit(v) ? "" : "must be BURST:PER_SECOND, e.g. 10:5 (0 disables)";
}

}  // namespace

void AddLimitFlags(CLI::App& app, LimitsConfig& c) {
  auto add_int = [&app](const char* flag, int& value, const char* env, const char* help, int lo,
                        int hi) {
    app.add_option(flag, value, help)
        ->envname(env)
        ->check(CLI::Range(lo, hi))
        ->capture_default_str()
        ->group("Limits");
  };
  add_int("--max-body-kib", c.max_body_kib, "CHIMED_MAX_BODY_KIB",
          "Largest request body in KiB (413 beyond)", 1, 1 << 20);
  add_int("--max-header-kib", c.max_header_kib, "CHIMED_MAX_HEADER_KIB",
          "Largest request head in KiB (431 beyond)", 1, 1024);
  add_int("--max-header-count", c.max_header_count, "CHIMED_MAX_HEADER_COUNT",
          "Most header fields in a request (431 beyond)", 1, 10000);
  add_int("--max-uri-bytes", c.max_uri_bytes, "CHIMED_MAX_URI_BYTES",
          "Longest request target (414 beyond)", 64, 1 << 20);
  add_int("--header-timeout", c.header_timeout_s, "CHIMED_HEADER_TIMEOUT",
          "Seconds a request head may take to arrive", 1, 3600);
  add_int("--body-timeout", c.body_timeout_s, "CHIMED_BODY_TIMEOUT",
          "Seconds a request body may take to arrive", 1, 3600);
  add_int("--idle-timeout", c.idle_timeout_s, "CHIMED_IDLE_TIMEOUT",
          "Seconds an idle keep-alive connection is kept", 1, 86400);
  add_int("--max-connections", c.max_connections, "CHIMED_MAX_CONNECTIONS",
          "Open connections at most", 1, 1 << 20);
  add_int("--max-connections-per-client", c.max_connections_per_client,
          "CHIMED_MAX_CONNECTIONS_PER_CLIENT", "Open connections per client IP at most", 1,
          1 << 20);
  add_int("--max-in-flight", c.max_in_flight, "CHIMED_MAX_IN_FLIGHT", "Requests worked on at once",
          1, 1 << 20);
  add_int("--max-queue", c.max_queue, "CHIMED_MAX_QUEUE",
          "Requests waiting for a slot at most (503 beyond)", 0, 1 << 20);
  app.add_option("--throttle", c.throttle,
                 "Token bucket per access key, BURST:PER_SECOND (0:0 disables)")
      ->envname("CHIMED_THROTTLE")
      ->check(CheckRate)
      ->capture_default_str()
      ->group("Limits");
  app.add_option("--throttle-op", c.throttle_ops,
                 "Extra bucket per access key and operation, Operation=BURST:PER_SECOND "
                 "(repeatable; env: comma-separated)")
      ->envname("CHIMED_THROTTLE_OP")
      ->delimiter(',')
      ->group("Limits");
  app.add_option("--pin-reset-limit", c.pin_reset_limit,
                 "ResetPersonalPIN token bucket per user, BURST:PER_SECOND (0:0 disables)")
      ->envname("CHIMED_PIN_RESET_LIMIT")
      ->check(CheckRate)
      ->capture_default_str()
      ->group("Limits");
}

void ApplyHttpLimits(const LimitsConfig& c, http::ServerOptions& o) {
  o.max_body_bytes = static_cast<uint64_t>(c.max_body_kib) << 10;
  o.max_header_bytes = static_cast<uint32_t>(c.max_header_kib) << 10;
  o.max_header_count = static_cast<uint32_t>(c.max_header_count);
  o.max_uri_bytes = static_cast<uint32_t>(c.max_uri_bytes);
  o.header_timeout_seconds = c.header_timeout_s;
  o.body_timeout_seconds = c.body_timeout_s;
  o.idle_timeout_seconds = c.idle_timeout_s;
  o.max_connections = c.max_connections;
  o.max_connections_per_client = c.max_connections_per_client;
}

AdmissionOptions ToAdmissionOptions(const LimitsConfig& c) {
  return AdmissionOptions{c.max_in_flight, c.max_queue};
}

StatusOr<ThrottleOptions> ToThrottleOptions(const LimitsConfig& c) {
  ThrottleOptions o;
  auto per_key = ParseRateLimit(c.throttle);
  auto per_user = ParseRateLimit(c.pin_reset_limit);
  if (!per_key) return InvalidArgument("--throttle must be BURST:PER_SECOND");
  if (!per_user) return InvalidArgument("--pin-reset-limit must be BURST:PER_SECOND");
  o.per_key = *per_key;
  o.pin_reset_per_user = *per_user;
  for (const std::string& spec : c.throttle_ops) {
    size_t eq = spec.find('=');
    auto rate = eq == std::string::npos ? std::nullopt : ParseRateLimit(spec.substr(eq + 1));
    bool found = false;
    for (size_t i = 0; rate && i < static_cast<size_t>(api::Op::kCount); ++i) {
      if (api::OpName(static_cast<api::Op>(i)) == std::string_view(spec).substr(0, eq)) {
        o.per_key_op[i] = *rate;
        found = true;
      }
    }
    if (!found) {
      return InvalidArgument(
          "--throttle-op must be Operation=BURST:PER_SECOND with a Chime "
          "operation name, got '" +
          spec + "'");
    }
  }
  return o;
}

}  // namespace chime::server
