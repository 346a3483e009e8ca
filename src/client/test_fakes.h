// Test doubles for the client: a scripted transport and a sleeper that advances a FakeClock.
#pragma once

#include <deque>
#include <mutex>
#include <vector>

#include "client/client.h"
#include "client/sleeper.h"
#include "common/clock.h"
#include "common/random.h"

namespace chime::client::testing {

// Answers each Send with the next scripted result (a response or an error) and records every
// request. When the script runs out it answers 200 {}.
class FakeTransport final : public HttpTransport {
 public:
  Result<http::Response> Send(const Endpoint& endpoint, const http::Request& request,
                              const TransportOptions&) override {
    std::lock_guard lock(mu_);
    requests.push_back(request);
    endpoints.push_back(endpoint);
    if (script.empty()) return http::Response{200, {}, "{}"};
    Result<http::Response> next = std::move(script.front());
    script.pop_front();
    return next;
  }

  static http::Response Json(int status, std::string body, http::HeaderList headers = {}) {
    http::Response r;
    r.status = status;
    r.headers = std::move(headers);
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = std::move(body);
    return r;
  }
  static http::Response ErrorResponse(int status, const std::string& shape, const std::string& code,
                                      http::HeaderList extra = {}) {
    extra.emplace_back("x-amzn-ErrorType", shape);
    extra.emplace_back("x-amzn-RequestId", "req-" + std::to_string(status));
    return Json(status, R"({"Code":")" + code + R"(","Message":"scripted )" + code + "\"}",
                std::move(extra));
  }

  std::mutex mu_;
  std::deque<Result<http::Response>> script;
  std::vector<http::Request> requests;
  std::vector<Endpoint> endpoints;
};

class FakeSleeper final : public Sleeper {
 public:
  explicit FakeSleeper(FakeClock* clock) : clock_(clock) {}
  void SleepMs(int64_t ms) override {
    delays.push_back(ms);
    clock_->AdvanceMs(ms);
  }
  std::vector<int64_t> delays;

 private:
  FakeClock* clock_;
};

// A deterministic generator (SplitMix64) so that jittered delays are reproducible.
class SeededRandom final : public RandomSource {
 public:
  explicit SeededRandom(uint64_t seed) : state_(seed) {}
  void Fill(uint8_t* out, size_t n) override {
    std::lock_guard lock(mu_);
    for (size_t i = 0; i < n; ++i) {
      if (i % 8 == 0) word_ = Next();
      out[i] = static_cast<uint8_t>(word_ >> (8 * (i % 8)));
    }
  }

 private:
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  std::mutex mu_;
  uint64_t state_;
  uint64_t word_ = 0;
};

// A client wired to fakes, with explicit credentials and endpoint so no environment is read.
struct FakeClientSetup {
  FakeClock clock{1'795'908'142'000};
  FakeSleeper sleeper{&clock};
  std::shared_ptr<FakeTransport> transport = std::make_shared<FakeTransport>();
  SeededRandom random{42};
  MapEnvironment env;

  ClientOptions Options() {
    ClientOptions o;
    o.endpoint_url = "http://chime.example.com:8080";
    o.region = "us-east-1";
    o.credentials =
        auth::Credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", {}};
    o.transport = transport;
    o.clock = &clock;
    o.sleeper = &sleeper;
    o.random = &random;
    o.environment = &env;
    return o;
  }
  std::unique_ptr<Client> Make(ClientOptions o) {
    auto c = Client::Create(std::move(o));
    if (!c.ok()) return nullptr;
    return std::move(c).value();
  }
  std::unique_ptr<Client> Make() { return Make(Options()); }
};

}  // namespace chime::client::testing
