#include "client/client.h"

#include <chrono>
#include <utility>

#include "client/redact.h"
#include "client/service_error.h"
#include "common/encoding.h"

namespace chime::client {

Result<std::unique_ptr<Client>> Client::Create(ClientOptions options) {
  const Environment& env = options.environment ? *options.environment : ProcessEnvironment::Get();
  ChainInput in{options.credentials, options.profile, options.region, options.endpoint_url,
                options.max_attempts};
  CLIENT_ASSIGN_OR_RETURN(ResolvedSettings settings, ResolveSettings(in, env));
  return std::make_unique<Client>(std::move(options), std::move(settings));
}

namespace {
RetryOptions WithAttempts(RetryOptions r, int max_attempts) {
  r.max_attempts = max_attempts;
  return r;
}
}  // namespace

Client::Client(ClientOptions options, ResolvedSettings settings)
    : options_(std::move(options)),
      settings_(std::move(settings)),
      transport_(options_.transport ? options_.transport : MakeBeastTransport(TlsOptions())),
      clock_(options_.clock ? *options_.clock : SystemClock::Get()),
      sleeper_(options_.sleeper ? *options_.sleeper : RealSleeper::Get()),
      random_(options_.random ? *options_.random : CryptoRandom::Get()),
      retry_(WithAttempts(options_.retry, settings_.max_attempts), random_) {}

BeastTransportOptions Client::TlsOptions() const {
  BeastTransportOptions tls = options_.tls;
  if (tls.ca_file.empty()) tls.ca_file = settings_.ca_bundle;
  return tls;
}

void Client::Debug(const std::string& line) const {
  if (options_.debug_log) options_.debug_log(line);
}

http::Request Client::BuildRequest(const Call& call) const {
  http::Request req;
  req.method = std::string(call.method);
  req.target = settings_.endpoint.base_path + call.path;
  char sep = call.path.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [name, value] : call.query) {
    req.target += sep;
    req.target += UriEncode(name) + "=" + UriEncode(value);
    sep = '&';
  }
  req.headers.emplace_back("Host", settings_.endpoint.HostHeader());
  if (call.json_body) {
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = *call.json_body;
  }
  return req;
}

Result<http::Response> Client::Attempt(const Call& call, const http::Request& unsigned_request,
                                       int attempt) {
  http::Request req = unsigned_request;
  auth::SigningOptions signing{.region = settings_.region, .time_ms = clock_.NowMs()};
  auto signed_req = auth::SignRequest(settings_.credentials, signing, &req);
  if (!signed_req.ok()) {
    return MakeLocalError(ErrorKind::kInvalidParameter, "SigningError",
                          signed_req.status().message());
  }
  // Added after signing, unsigned, as botocore does: proxies may rewrite them.
  req.headers.emplace_back("User-Agent", options_.user_agent);
  req.headers.emplace_back("amz-sdk-request", "attempt=" + std::to_string(attempt) + "; max=" +
                                                  std::to_string(retry_.options().max_attempts));
  if (options_.debug_log) {
    Debug("> " + req.method + " " + settings_.endpoint.ToString() + req.target + "  (" +
          std::string(call.operation) + ", attempt " + std::to_string(attempt) + ")");
    for (const auto& [name, value] : req.headers)
      Debug("> " + name + ": " + RedactHeader(name, value));
    if (!req.body.empty()) Debug("> body: " + RedactBody(req.body));
  }
  int64_t start_ns = clock_.MonotonicNs();
  Result<http::Response> res = transport_->Send(settings_.endpoint, req, options_.timeouts);
  if (options_.debug_log) {
    int64_t ms = (clock_.MonotonicNs() - start_ns) / 1'000'000;
    if (!res.ok()) {
      Debug("< " + res.error().ToString() + " (" + std::to_string(ms) + " ms)");
    } else {
      Debug("< HTTP " + std::to_string(res->status) + " (" + std::to_string(ms) + " ms)");
      for (const auto& [name, value] : res->headers)
        Debug("< " + name + ": " + RedactHeader(name, value));
      if (!res->body.empty()) Debug("< body: " + RedactBody(res->body));
    }
  }
  return res;
}

Result<http::Response> Client::Invoke(const Call& call) {
  const http::Request request = BuildRequest(call);
  int last_retry_cost = 0;
  for (int attempt = 1;; ++attempt) {
    Result<http::Response> res = Attempt(call, request, attempt);
    if (res.ok() && res->status >= 200 && res->status < 300) {
      retry_.OnSuccess(last_retry_cost);
      return res;
    }
    Error error = res.ok() ? ServiceErrorFromResponse(*res) : res.error();
    error.attempts = attempt;
    error.max_attempts_reached = attempt >= retry_.options().max_attempts;
    std::optional<int64_t> retry_after = res.ok() ? RetryAfterMs(*res) : std::nullopt;
    RetryPolicy::Decision d = retry_.OnFailure(error, attempt, retry_after);
    Debug("retry: " + error.name + " on attempt " + std::to_string(attempt) + ": " +
          (d.retry ? "retrying in " + std::to_string(d.delay_ms) + " ms (" + d.reason + ")"
                   : "not retrying (" + d.reason + ")"));
    if (!d.retry) return error;
    last_retry_cost = d.cost;
    sleeper_.SleepMs(d.delay_ms);
  }
}

}  // namespace chime::client
