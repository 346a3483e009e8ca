// Admission control on its own, and the request pipeline under throttling, overload and store
// failure: every refusal is the modelled error with retry hints, happens before anything is
// written, and the service recovers as soon as the cause clears.
#include "server/admission.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <future>
#include <memory>
#include <string>
#include <vector>

#include "api/api.h"
#include "common/clock.h"
#include "common/random.h"
#include "server/readiness.h"
#include "server/throttle.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/test_temp_dir.h"
#include "store/testing/failing_store.h"

namespace chime::server {
namespace {

using store::testing::FailingStore;

TEST(AdmissionControl, RunsQueuesThenRefuses) {
  std::vector<std::function<void()>> posted;
  AdmissionControl admission({.max_in_flight = 2, .max_queue = 1},
                             [&](std::function<void()> fn) { posted.push_back(std::move(fn)); });
  int started = 0;
  auto start = [&] { ++started; };
  EXPECT_TRUE(admission.Enter(start));
  EXPECT_TRUE(admission.Enter(start));
  EXPECT_EQ(started, 2);
  EXPECT_TRUE(admission.Enter(start));  // queued
  EXPECT_EQ(started, 2);
  EXPECT_EQ(admission.queued(), 1);
  EXPECT_FALSE(admission.Enter(start));  // queue full
  admission.Leave();                     // the queued one takes the slot, via post
  ASSERT_EQ(posted.size(), 1u);
  EXPECT_EQ(admission.in_flight(), 2);
  posted[0]();
  EXPECT_EQ(started, 3);
  admission.Leave();
  admission.Leave();
  EXPECT_EQ(admission.in_flight(), 0);
  EXPECT_TRUE(admission.Enter(start));
}

// An Api over a real SQLite store in a temporary directory, wrapped in a FailingStore.
class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::sqlite::SqliteStore::Open(dir_.File("chimed.db"));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    sqlite_ = std::move(*opened);
    failing_ = std::make_unique<FailingStore>(*sqlite_);
  }
  void TearDown() override {
    api_.reset();
    if (sqlite_) sqlite_->Close();
  }

  void MakeApi(api::Guards guards) {
    api::Deps deps;
    deps.store = failing_.get();
    deps.clock = &clock_;
    deps.random = &CryptoRandom::Get();
    api_ = std::make_unique<api::Api>(deps, /*gate=*/nullptr, guards);
  }

  http::Response Send(std::string method, std::string target, std::string body = "") {
    http::Request r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    std::promise<http::Response> p;
    auto f = p.get_future();
    api_->Handle(std::move(r), [&p](http::Response resp) { p.set_value(std::move(resp)); });
    return f.get();
  }

  static std::string Field(const http::Response& r, const char* object, const char* member) {
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    if (d.HasParseError() || !d.IsObject() || !d.HasMember(object)) return "";
    return d[object][member].GetString();
  }

  // Creates an account and a user; returns "/accounts/<id>/users/<uid>".
  std::string MakeUser() {
    auto acct = Send("POST", "/accounts", R"({"Name":"Reliability"})");
    EXPECT_EQ(acct.status, 201) << acct.body;
    std::string account_id = Field(acct, "Account", "AccountId");
    auto user = Send("POST", "/accounts/" + account_id + "/users?operation=create",
                     R"({"Email":"r@example.com","Username":"r"})");
    EXPECT_EQ(user.status, 201) << user.body;
    return "/accounts/" + account_id + "/users/" + Field(user, "User", "UserId");
  }

  std::string PinOf(const std::string& user_path) {
    return Field(Send("GET", user_path), "User", "PersonalPIN");
  }

  store::sqlite::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<store::sqlite::SqliteStore> sqlite_;
  std::unique_ptr<FailingStore> failing_;
  std::unique_ptr<api::Api> api_;
};

void ExpectRetryHints(const http::Response& r, const std::string& seconds) {
  ASSERT_NE(r.Header("Retry-After"), nullptr);
  EXPECT_EQ(*r.Header("Retry-After"), seconds);
  ASSERT_NE(r.Header("x-amz-retry-after"), nullptr);
}

TEST_F(PipelineTest, ThrottledResetIs429AndWritesNothing) {
  ThrottleOptions o;
  o.per_key = {1000, 1000};
  o.pin_reset_per_user = {2, 0.5};
  Throttler throttler(o, clock_);
  MakeApi({.throttle = &throttler});
  std::string user = MakeUser();
  std::string reset = user + "?operation=reset-personal-pin";
  ASSERT_EQ(Send("POST", reset).status, 200);
  ASSERT_EQ(Send("POST", reset).status, 200);
  std::string pin = PinOf(user);
  int64_t writes = sqlite_->stats().writes;
  auto r = Send("POST", reset);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(*r.Header("x-amzn-ErrorType"), "ThrottledClientException");
  ExpectRetryHints(r, "2");
  EXPECT_EQ(*r.Header("x-amz-retry-after"), "2000");
  EXPECT_EQ(sqlite_->stats().writes, writes);  // refused before the store queue
  EXPECT_EQ(PinOf(user), pin);
  clock_.AdvanceMs(2000);
  EXPECT_EQ(Send("POST", reset).status, 200);
  EXPECT_NE(PinOf(user), pin);
}

TEST_F(PipelineTest, FullQueueIs503AndHealthStillAnswers) {
  std::vector<std::function<void()>> posted;
  AdmissionControl admission({.max_in_flight = 1, .max_queue = 0},
                             [&](std::function<void()> fn) { posted.push_back(std::move(fn)); });
  MakeApi({.admission = &admission});
  // Hold the only slot with a request that never finishes in this test.
  ASSERT_TRUE(admission.Enter([] {}));
  auto r = Send("GET", "/accounts");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(*r.Header("x-amzn-ErrorType"), "ServiceUnavailableException");
  ExpectRetryHints(r, "1");
  EXPECT_EQ(Send("GET", "/healthz").status, 200);
  admission.Leave();
  EXPECT_EQ(Send("GET", "/accounts").status, 200);
  EXPECT_EQ(admission.in_flight(), 0);  // the answered request left
}

TEST_F(PipelineTest, DiskErrorsAre503WithHintsNothingCommittedAndRecoveryIsImmediate) {
  MakeApi({});
  std::string user = MakeUser();
  std::string reset = user + "?operation=reset-personal-pin";
  for (auto fault : {FailingStore::Fault::kWriteFails, FailingStore::Fault::kSyncFails}) {
    std::string pin = PinOf(user);
    failing_->SetFault(fault);
    for (int i = 0; i < 3; ++i) {
      auto r = Send("POST", reset);
      EXPECT_EQ(r.status, 503) << r.body;
      EXPECT_EQ(*r.Header("x-amzn-ErrorType"), "ServiceUnavailableException");
      ExpectRetryHints(r, "1");
      EXPECT_EQ(r.body.find("PersonalPIN"), std::string::npos);
    }
    auto create = Send("POST", "/accounts", R"({"Name":"NotStored"})");
    EXPECT_EQ(create.status, 503);
    failing_->SetFault(FailingStore::Fault::kNone);
    EXPECT_EQ(PinOf(user), pin);   // nothing of the failed resets is visible
    auto r = Send("POST", reset);  // the first request after the fault clears succeeds
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(Field(r, "User", "PersonalPIN"), PinOf(user));
  }
  EXPECT_EQ(failing_->rolled_back(), 4);
  auto accounts = Send("GET", "/accounts");
  EXPECT_EQ(accounts.body.find("NotStored"), std::string::npos);
}

TEST_F(PipelineTest, ReadErrorsAre503) {
  MakeApi({});
  std::string user = MakeUser();
  failing_->SetFault(FailingStore::Fault::kReadFails);
  auto r = Send("GET", user);
  EXPECT_EQ(r.status, 503);
  ExpectRetryHints(r, "1");
  failing_->SetFault(FailingStore::Fault::kNone);
  EXPECT_EQ(Send("GET", user).status, 200);
}

TEST_F(PipelineTest, ReadyzChecksTheStoreWithoutWriting) {
  StoreReadiness readiness(*failing_, dir_.File("chimed.db"), /*min_free_bytes=*/0);
  MakeApi({.readiness = &readiness});
  int64_t commits = sqlite_->stats().commits;
  auto r = Send("GET", "/readyz");
  EXPECT_EQ(r.status, 200) << r.body;
  failing_->SetFault(FailingStore::Fault::kWriteFails);
  r = Send("GET", "/readyz");
  EXPECT_EQ(r.status, 503);
  ExpectRetryHints(r, "1");
  failing_->SetFault(FailingStore::Fault::kNone);
  EXPECT_EQ(Send("GET", "/readyz").status, 200);
  EXPECT_EQ(Send("GET", "/healthz").status, 200);
  // Probes commit empty transactions only: no account, user or document appears.
  EXPECT_GE(sqlite_->stats().commits, commits);
  EXPECT_EQ(Send("GET", "/accounts").body, R"({"Accounts":[]})");
}

TEST_F(PipelineTest, ReadyzRefusesAFullDisk) {
  StoreReadiness readiness(*failing_, dir_.File("chimed.db"),
                           /*min_free_bytes=*/int64_t{1} << 62);
  MakeApi({.readiness = &readiness});
  auto r = Send("GET", "/readyz");
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("disk is full"), std::string::npos) << r.body;
}

}  // namespace
}  // namespace chime::server
