// PgResetLoop (pg_reset_loop.h): resets called on an event loop's thread are sent and answered
// there, and everything else reaches the writer threads with the same outcomes as before: what
// the statement did not do, a batch whose answer was lost (each CommitFault), a stale access
// key, and a batch still in flight when the store closes.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <deque>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/event_loop.h"
#include "common/testing/captured_stderr.h"
#include "common/testing/scripted_random.h"
#include "http/asio_event_loop.h"
#include "store/postgres/pg_store.h"
#include "store/postgres/pg_store_test_support.h"

namespace chime::store::postgres {
namespace {

namespace asio = boost::asio;

class PgResetLoopTest : public PgStoreTest {
 protected:
  void SetUp() override {
    PgStoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    options_.io_thread_resets = true;  // the default, which these tests are about
    store_ = Open(options_);
    ASSERT_NE(store_, nullptr);
    AddAccountA(url_);
    AddUsersOfA(url_,
                "('u1', 'Registered', '1111122222'), ('u2', 'Registered', '2222233333'), "
                "('u3', 'Unregistered', NULL)");
    thread_ = std::thread([this] {
      EventLoop::Scope current(&events_);
      io_.run();
    });
  }
  void TearDown() override {
    StopLoop();
    if (store_ != nullptr) store_->Close();
  }
  void StopLoop() {
    work_.reset();
    if (thread_.joinable()) thread_.join();
  }

  struct Reset {
    Reset(std::string user, std::optional<AccessKeyCheck> key = std::nullopt)  // NOLINT
        : user(std::move(user)), key(std::move(key)) {}
    std::string user;
    std::optional<AccessKeyCheck> key;
  };
  // Calls ResetPin for each of `resets` from one handler on the loop's thread, so that they
  // reach the loop together; their outcomes, and whether each was answered on that thread.
  std::vector<std::future<StatusOr<model::User>>> Start(const std::vector<Reset>& resets) {
    std::vector<std::future<StatusOr<model::User>>> out;
    std::vector<std::shared_ptr<std::promise<StatusOr<model::User>>>> promises;
    for (size_t i = 0; i < resets.size(); ++i) {
      promises.push_back(std::make_shared<std::promise<StatusOr<model::User>>>());
      out.push_back(promises.back()->get_future());
    }
    asio::post(io_, [this, resets, promises] {
      for (size_t i = 0; i < resets.size(); ++i) {
        store_->ResetPin(PinResetAudit{"r" + std::to_string(next_++), "p", "a", resets[i].user, 7},
                         resets[i].key, random_, [this, p = promises[i]](StatusOr<model::User> u) {
                           if (std::this_thread::get_id() != thread_.get_id()) ++off_loop_;
                           p->set_value(std::move(u));
                         });
      }
    });
    return out;
  }
  std::vector<StatusOr<model::User>> ResetTogether(const std::vector<Reset>& resets) {
    std::vector<StatusOr<model::User>> got;
    for (auto& f : Start(resets)) got.push_back(f.get());
    return got;
  }

  // Starts a reset of `held` and checks that it still waits after `wait`; then one of
  // `freeing`, with which it may go out: both must succeed.
  void ExpectHeldUntilAnotherArrives(const std::string& held, const std::string& freeing,
                                     std::chrono::milliseconds wait) {
    auto first = Start({{held}});
    std::this_thread::sleep_for(wait);
    EXPECT_EQ(first[0].wait_for(std::chrono::seconds(0)), std::future_status::timeout);
    auto second = Start({{freeing}});
    ASSERT_TRUE(first[0].get().ok());
    ASSERT_TRUE(second[0].get().ok());
  }

  std::string Pin(const std::string& user) {
    return Sql(url_, "SELECT pin FROM users WHERE user_id = '" + user + "'");
  }
  // After the loop dropped its connections: resets u2 until one goes through the loop, which
  // reconnects meanwhile (its resets take the writer's path until then).
  void ResetU2UntilTheLoopAnswersOne() {
    const int64_t before = store_->stats().loops.resets;
    StatusOr<model::User> got = Internal("not run");
    for (int i = 0; i < 20 && store_->stats().loops.resets == before; ++i) {
      got = std::move(ResetTogether({{"u2"}})[0]);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(store_->stats().loops.resets, before + 1);
    EXPECT_EQ(Pin("u2"), got->personal_pin);
  }
  std::string AuditedRequests() {
    return Sql(url_, "SELECT string_agg(request_id, ',' ORDER BY request_id) FROM pin_reset_audit");
  }

  PgStoreOptions options_;
  std::unique_ptr<PgStore> store_;
  chime::testing::ScriptedRandom random_{
      {5555500001ULL, 5555500002ULL, 5555500003ULL, 5555500004ULL, 5555500005ULL}};
  int next_ = 0;                  // the loop's thread only
  std::atomic<int> off_loop_{0};  // resets answered on another thread
  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  http::AsioEventLoop events_{io_};
  std::thread thread_;
};

// In each test, the first resets find no connection up: they go to the writer, whose threads
// connect the loop first (SubmitConnect is queued ahead of them), so later resets go through
// the loop.
TEST_F(PgResetLoopTest, ResetsReadTogetherCommitAsOneBatchAnsweredOnTheLoopsThread) {
  auto first = ResetTogether({{"u1"}, {"u2"}});
  for (auto& g : first) ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(store_->stats().loops.handed, 2);
  EXPECT_EQ(off_loop_.load(), 2);
  const int64_t writer_commits = store_->stats().writer.commits;
  auto got = ResetTogether({{"u1"}, {"u2"}});
  ASSERT_TRUE(got[0].ok()) << got[0].status().ToString();
  ASSERT_TRUE(got[1].ok()) << got[1].status().ToString();
  EXPECT_EQ(got[0]->personal_pin, "5555500003");
  EXPECT_EQ(got[1]->personal_pin, "5555500004");
  EXPECT_EQ(Pin("u1"), "5555500003");
  EXPECT_EQ(Pin("u2"), "5555500004");
  EXPECT_EQ(AuditedRequests(), "r0,r1,r2,r3");
  const auto stats = store_->stats();
  EXPECT_EQ(stats.loops.batches, 1);
  EXPECT_EQ(stats.loops.resets, 2);
  EXPECT_EQ(stats.loops.handed, 2);                 // the first two only
  EXPECT_EQ(stats.writer.commits, writer_commits);  // the writer did nothing for these
  EXPECT_EQ(off_loop_.load(), 2);                   // answered on the loop's thread
}

// Resets held back wait for a batch as large as the one in flight; here never for long enough
// to go out anyway (reset_hold_ms: 2 s, against the 300 ms the test waits).
class PgResetLoopLongHoldTest : public PgResetLoopTest {
 protected:
  void SetUp() override {
    options_.writer.reset_hold_ms = 2000;
    PgResetLoopTest::SetUp();
  }
};

TEST_F(PgResetLoopLongHoldTest, AUsersSecondResetGoesInTheNextBatch) {
  ASSERT_TRUE(ResetTogether({{"u2"}})[0].ok());  // connects the loop: 5555500001
  auto got = ResetTogether({{"u1"}, {"u1"}, {"u2"}});
  for (auto& g : got) ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(got[0]->personal_pin, "5555500002");
  EXPECT_EQ(got[2]->personal_pin, "5555500003");
  // Alone, it would make a smaller batch than the one in flight: it waits for that one.
  EXPECT_EQ(got[1]->personal_pin, "5555500004");
  EXPECT_EQ(Pin("u1"), "5555500004");
  EXPECT_EQ(Sql(url_, "SELECT string_agg(pin, ',' ORDER BY pin) FROM all_retired_pins"),
            "1111122222,2222233333,5555500001,5555500002");
  EXPECT_EQ(store_->stats().loops.batches, 2);
  EXPECT_EQ(store_->stats().loops.resets, 3);
}

// Holds `users`' rows in another session, so that a batch resetting any of them waits.
class RowHolder {
 public:
  RowHolder(const std::string& url, const std::string& users) : conn_(PQconnectdb(url.c_str())) {
    EXPECT_EQ(PQstatus(conn_), CONNECTION_OK);
    PQclear(PQexec(conn_, "BEGIN"));
    PQclear(
        PQexec(conn_, ("SELECT 1 FROM users WHERE user_id IN (" + users + ") FOR UPDATE").c_str()));
  }
  ~RowHolder() {
    Release();
    PQfinish(conn_);
  }
  void Release() {
    if (std::exchange(released_, true)) return;
    PQclear(PQexec(conn_, "COMMIT"));
  }
  // Waits until a session waits for this one's locks.
  void WaitUntilSomeoneWaits(const std::string& url) { WaitUntilBlockedBy(url, conn_); }
  // Ends the session that waits for this one's locks, and waits until it has gone.
  void TerminateTheWaiter(const std::string& url) { TerminateTheWaiterOf(url, conn_); }

 private:
  PGconn* conn_;
  bool released_ = false;
};

TEST_F(PgResetLoopTest, ALoneResetIsNotHeldBehindABatchThatWaits) {
  ASSERT_TRUE(ResetTogether({{"u2"}})[0].ok());
  RowHolder holder(url_, "'u1'");
  auto stuck = Start({{"u1"}});
  holder.WaitUntilSomeoneWaits(url_);
  // One reset in flight: a batch of one is as large, so it goes out on the other connection.
  auto got = ResetTogether({{"u2"}});
  ASSERT_TRUE(got[0].ok()) << got[0].status().ToString();
  EXPECT_EQ(stuck[0].wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  holder.Release();
  ASSERT_TRUE(stuck[0].get().ok());
  EXPECT_EQ(store_->stats().loops.resets, 2);
}

TEST_F(PgResetLoopLongHoldTest, ResetsWaitToMakeABatchAsLargeAsTheOneInFlight) {
  AddUsersOfA(url_,
              "('u4', 'Registered', '4444455555'), ('u5', 'Registered', '5555566666'), "
              "('u6', 'Registered', '6666677777')");
  ASSERT_TRUE(ResetTogether({{"u2"}})[0].ok());
  RowHolder holder(url_, "'u1'");
  auto stuck = Start({{"u1"}, {"u2"}});  // two in flight, waiting for u1's row
  holder.WaitUntilSomeoneWaits(url_);
  // One reset would make a smaller batch than the two in flight: it waits, for the batch in
  // flight (held here) or for another reset. Only a later reset can let it go out now.
  ASSERT_NO_FATAL_FAILURE(
      ExpectHeldUntilAnotherArrives("u4", "u5", std::chrono::milliseconds(300)));
  EXPECT_EQ(stuck[0].wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  holder.Release();
  for (auto& f : stuck) ASSERT_TRUE(f.get().ok());
  EXPECT_EQ(store_->stats().loops.batches, 2);  // {u4, u5} together, then {u1, u2}
  EXPECT_EQ(store_->stats().loops.resets, 4);
}

TEST_F(PgResetLoopTest, AResetHeldBackGoesOutOnceItHasWaitedTheHoldLimit) {
  AddUsersOfA(url_, "('u4', 'Registered', '4444455555')");
  ASSERT_TRUE(ResetTogether({{"u2"}})[0].ok());
  RowHolder holder(url_, "'u1'");
  auto stuck = Start({{"u1"}, {"u2"}});  // two in flight, waiting for u1's row
  holder.WaitUntilSomeoneWaits(url_);
  // Alone it would make a smaller batch, but after reset_hold_ms (5 ms) it goes out anyway:
  // answered while the batch in flight still waits.
  auto got = ResetTogether({{"u4"}});
  ASSERT_TRUE(got[0].ok()) << got[0].status().ToString();
  EXPECT_EQ(stuck[0].wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  holder.Release();
  for (auto& f : stuck) ASSERT_TRUE(f.get().ok());
  EXPECT_EQ(store_->stats().loops.resets, 3);
}

// With reset_hold_ms at 2 s, the wait after a batch is that batch's time (here a second), not
// capped at 5 ms.
class PgResetLoopAwaitTest : public PgResetLoopLongHoldTest {
 protected:
  // Resets `users` (u1 among them) as one batch on the loop that takes at least `took`:
  // another session holds u1's row that long. Its clients' next resets are then awaited for
  // about as long.
  void AnswerASlowBatch(const std::vector<Reset>& users, std::chrono::milliseconds took) {
    RowHolder holder(url_, "'u1'");
    const int64_t batches = store_->stats().loops.batches;
    auto started = Start(users);
    holder.WaitUntilSomeoneWaits(url_);
    std::this_thread::sleep_for(took);
    holder.Release();
    for (auto& f : started) ASSERT_TRUE(f.get().ok());
    ASSERT_EQ(store_->stats().loops.batches, batches + 1);
  }
  // How long ResetTogether(resets) took.
  std::chrono::milliseconds Timed(const std::vector<Reset>& resets) {
    const auto start = std::chrono::steady_clock::now();
    for (auto& got : ResetTogether(resets)) EXPECT_TRUE(got.ok()) << got.status().ToString();
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start);
  }
};

TEST_F(PgResetLoopAwaitTest, ABatchWithNoneInFlightWaitsForTheClientsOfTheLastOne) {
  AddUsersOfA(url_, "('u4', 'Registered', '4444455555'), ('u5', 'Registered', '5555566666')");
  ASSERT_TRUE(ResetTogether({{"u2"}})[0].ok());  // connects the loop
  ASSERT_NO_FATAL_FAILURE(AnswerASlowBatch({{"u1"}, {"u2"}}, std::chrono::seconds(1)));
  const PgResetLoopStats before = store_->stats().loops;
  // One of the two clients answered comes back: its reset waits for the other's, which the
  // loop expects within about the second the last batch took.
  ASSERT_NO_FATAL_FAILURE(
      ExpectHeldUntilAnotherArrives("u4", "u5", std::chrono::milliseconds(200)));
  EXPECT_EQ(store_->stats().loops.batches, before.batches + 1);  // {u4, u5}
  EXPECT_EQ(store_->stats().loops.resets, before.resets + 2);
}

TEST_F(PgResetLoopAwaitTest, AClientThatDoesNotComeBackHoldsNoLongerThanTheLastBatchTook) {
  ASSERT_TRUE(ResetTogether({{"u2"}})[0].ok());          // connects the loop
  ASSERT_TRUE(ResetTogether({{"u1"}, {"u2"}})[0].ok());  // a batch of two, quickly answered
  ASSERT_EQ(store_->stats().loops.batches, 1);
  // u2's client does not come back. u1's next reset waits about as long as that batch took:
  // far less than reset_hold_ms (2 s), the most a reset waits for a batch as large as one in
  // flight.
  EXPECT_LT(Timed({{"u1"}}), std::chrono::seconds(1));
  EXPECT_EQ(store_->stats().loops.batches, 2);
}

TEST_F(PgResetLoopAwaitTest, ALoneClientsNextResetIsNotHeld) {
  ASSERT_TRUE(ResetTogether({{"u2"}})[0].ok());  // connects the loop
  ASSERT_NO_FATAL_FAILURE(AnswerASlowBatch({{"u1"}}, std::chrono::seconds(1)));
  // The one reset awaited is this one: it goes out at once, not after the second the last
  // batch took.
  EXPECT_LT(Timed({{"u1"}}), std::chrono::milliseconds(500));
  EXPECT_EQ(store_->stats().loops.batches, 2);
}

TEST_F(PgResetLoopTest, WhatTheStatementDidNotDoIsAnsweredByTheWriter) {
  ASSERT_TRUE(ResetTogether({{"u2"}})[0].ok());  // connects the loop: 5555500001
  // u1 draws u2's PIN, which is taken, and then others on the writer; u3 is invited (no PIN
  // yet); u9 does not exist.
  std::deque<uint64_t> script{5555500001ULL};
  for (uint64_t i = 0; i < 32; ++i) script.push_back(5555500100ULL + i);
  random_ = chime::testing::ScriptedRandom(script);
  auto got = ResetTogether({{"u1"}, {"u3"}, {"u9"}});
  ASSERT_TRUE(got[0].ok()) << got[0].status().ToString();
  EXPECT_NE(got[0]->personal_pin, "5555500001");
  EXPECT_EQ(got[1].status().code(), Code::kInvalidArgument);
  EXPECT_EQ(got[2].status().code(), Code::kNotFound);
  EXPECT_EQ(Pin("u1"), got[0]->personal_pin);
  EXPECT_EQ(Pin("u2"), "5555500001");
  const auto stats = store_->stats();
  EXPECT_EQ(stats.loops.batches, 1);  // it did none of the three
  EXPECT_EQ(stats.loops.resets, 0);
  EXPECT_EQ(stats.loops.handed, 4);  // the warm-up's, then all three
}

TEST_F(PgResetLoopTest, AResetWhoseKeyChangedIsRefused) {
  ASSERT_TRUE(ResetTogether({{"u2"}})[0].ok());
  const AccessKeyCheck current = AddEnabledKey(url_, "AKIALOOP");
  AccessKeyCheck stale = current;
  stale.encrypted_secret = "rotated";
  auto got = ResetTogether({{"u1", current}, {"u2", stale}});
  ASSERT_TRUE(got[0].ok()) << got[0].status().ToString();
  EXPECT_EQ(got[1].status().code(), Code::kKeyChanged);
  EXPECT_EQ(Pin("u2"), "5555500001");
  EXPECT_EQ(store_->stats().loops.resets, 1);
}

TEST_F(PgResetLoopTest, ABatchTheServerRefusedRunsOnTheWriterAndTheLoopReconnects) {
  ASSERT_TRUE(ResetTogether({{"u2"}})[0].ok());
  // The next audit insert fails once with a serialization failure, as a conflict would.
  Sql(url_, "CREATE SEQUENCE refusals");
  Sql(url_,
      "CREATE FUNCTION refuse_once() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
      "IF nextval('refusals') = 1 THEN RAISE EXCEPTION 'refused' USING ERRCODE = '40001'; "
      "END IF; RETURN NEW; END $$");
  Sql(url_,
      "CREATE TRIGGER refuse_once BEFORE INSERT ON pin_reset_audit FOR EACH ROW "
      "EXECUTE FUNCTION refuse_once()");
  auto got = ResetTogether({{"u1"}});
  ASSERT_TRUE(got[0].ok()) << got[0].status().ToString();
  EXPECT_EQ(Pin("u1"), got[0]->personal_pin);
  auto stats = store_->stats();
  EXPECT_EQ(stats.loops.refused, 1);
  EXPECT_EQ(stats.loops.handed, 2);  // the warm-up's, and the refused one
  EXPECT_EQ(stats.loops.resets, 0);
  // The refused batch's connection was closed (its transaction had failed) and is opened
  // again: a later batch goes through the loop.
  ResetU2UntilTheLoopAnswersOne();
}

// The server ends the loop's idle sessions (a failover, a restart): the next reset is not sent
// on them. There it would be in doubt, and wait for the writer to resolve it for as long as no
// server answers, instead of failing after the wait for a server as a reset that was never sent.
TEST_F(PgResetLoopTest, ConnectionsTheServerEndedWhileIdleAreNotSentABatch) {
  ASSERT_TRUE(ResetTogether({{"u2"}})[0].ok());  // connects the loop
  ASSERT_TRUE(ResetTogether({{"u2"}})[0].ok());
  ASSERT_EQ(store_->stats().loops.resets, 1);
  // Each ended session has sent its reason and closed before the reset.
  Sql(url_,
      "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
      "WHERE application_name = 'chimed' AND pid <> pg_backend_pid()");
  auto got = ResetTogether({{"u1"}});
  ASSERT_TRUE(got[0].ok()) << got[0].status().ToString();
  EXPECT_EQ(Pin("u1"), got[0]->personal_pin);
  EXPECT_EQ(Sql(url_, "SELECT count(*) FROM pin_reset_audit WHERE user_id = 'u1'"), "1");
  auto stats = store_->stats();
  EXPECT_EQ(stats.loops.in_doubt, 0);
  EXPECT_EQ(stats.loops.refused, 0);  // not even sent
  // The loop connects again: a later reset goes through it.
  ResetU2UntilTheLoopAnswersOne();
}

// The server ends the session of a batch in flight before its COMMIT, saying so: nothing
// committed, so the batch is not in doubt. The writer runs it again as a reset never sent.
TEST_F(PgResetLoopTest, ABatchWhoseSessionTheServerEndedBeforeCommitIsNotInDoubt) {
  ASSERT_TRUE(ResetTogether({{"u2"}})[0].ok());
  RowHolder holder(url_, "'u1'");
  auto stuck = Start({{"u1"}});
  holder.WaitUntilSomeoneWaits(url_);
  chime::testing::CapturedStderr captured;
  ASSERT_NO_FATAL_FAILURE(holder.TerminateTheWaiter(url_));
  holder.Release();
  StatusOr<model::User> got = stuck[0].get();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(Pin("u1"), got->personal_pin);
  EXPECT_NE(captured.Text().find("loop.reset lost its connection (sqlstate 57P01)"),
            std::string::npos)
      << captured.Text();
  EXPECT_EQ(Sql(url_, "SELECT count(*) FROM pin_reset_audit WHERE user_id = 'u1'"), "1");
  const auto stats = store_->stats();
  EXPECT_EQ(stats.loops.in_doubt, 0);
  EXPECT_EQ(stats.loops.refused, 1);
  EXPECT_EQ(stats.writer.resolved_committed + stats.writer.resolved_aborted, 0);
}

// A loop's batch meets `GetParam()` (its COMMIT's answer is lost, or its COMMIT is replaced by
// a ROLLBACK or nothing): the writer resolves it, and every reset is answered once, as stored.
class PgResetLoopFaultTest : public PgResetLoopTest,
                             public ::testing::WithParamInterface<CommitFault> {
 protected:
  void SetUp() override {
    // The first transaction is the writer's (the warm-up reset), the second the loop's.
    auto commits = std::make_shared<std::atomic<int>>(0);
    options_.writer.commit_fault = [commits, fault = GetParam()] {
      return ++*commits == 2 ? fault : CommitFault::kNone;
    };
    PgResetLoopTest::SetUp();
  }
};

TEST_P(PgResetLoopFaultTest, EveryResetIsAnsweredOnceAsStored) {
  ASSERT_TRUE(ResetTogether({{"u2"}})[0].ok());  // 5555500001, on the writer
  auto got = ResetTogether({{"u1"}, {"u2"}});
  ASSERT_TRUE(got[0].ok()) << got[0].status().ToString();
  ASSERT_TRUE(got[1].ok()) << got[1].status().ToString();
  EXPECT_EQ(Pin("u1"), got[0]->personal_pin);
  EXPECT_EQ(Pin("u2"), got[1]->personal_pin);
  EXPECT_EQ(AuditedRequests(), "r0,r1,r2");  // each reset once
  const auto stats = store_->stats();
  EXPECT_EQ(stats.loops.in_doubt, 1);
  const bool committed = GetParam() == CommitFault::kLoseAnswerAfterCommit ||
                         GetParam() == CommitFault::kLoseCommitAnswer;
  EXPECT_EQ(stats.writer.resolved_committed, committed ? 1 : 0);
  EXPECT_EQ(stats.writer.resolved_aborted, committed ? 0 : 1);
  if (committed) {
    EXPECT_EQ(got[0]->personal_pin, "5555500002");  // read back: no second draw
    EXPECT_EQ(got[1]->personal_pin, "5555500003");
  }
}
INSTANTIATE_TEST_SUITE_P(postgres, PgResetLoopFaultTest,
                         ::testing::Values(CommitFault::kLoseAnswerAfterCommit,
                                           CommitFault::kLoseAnswerAfterRollback,
                                           CommitFault::kDropBeforeCommit,
                                           CommitFault::kLoseCommitAnswer));

TEST_F(PgResetLoopTest, ABatchInFlightWhenTheStoreClosesIsResolvedByTheWriter) {
  ASSERT_TRUE(ResetTogether({{"u2"}})[0].ok());
  // Another session holds u1's row, so the loop's batch waits in PostgreSQL.
  RowHolder holder(url_, "'u1'");
  auto pending = Start({{"u1"}});
  holder.WaitUntilSomeoneWaits(url_);
  io_.stop();  // as chimed's I/O threads stop, with the batch in flight
  StopLoop();
  std::thread release([&holder] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    holder.Release();
  });
  store_->Close();  // hands the batch to the writer, which resolves it before it stops
  release.join();
  StatusOr<model::User> got = pending[0].get();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(Pin("u1"), got->personal_pin);
  EXPECT_EQ(Sql(url_, "SELECT count(*) FROM pin_reset_audit WHERE user_id = 'u1'"), "1");
  EXPECT_EQ(store_->stats().loops.in_doubt, 1);
}

}  // namespace
}  // namespace chime::store::postgres
