// PgStore's ResetPin beyond the Store contract: races with concurrent transactions on every
// path a reset takes, a writer's batch of resets as one statement (PgTx::ResetPins), and the
// pipelined batch with its read-back after a lost answer (pg_writer_resets.cc).
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/testing/captured_stderr.h"
#include "common/testing/scripted_random.h"
#include "model/pin.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_pipelined_resets.h"
#include "store/postgres/pg_store.h"
#include "store/postgres/pg_store_test_support.h"
#include "store/postgres/pg_test_server.h"
#include "store/postgres/pg_tx.h"
#include "store/postgres/pg_writer.h"

namespace chime::store::postgres {
namespace {

// ResetPin under concurrency: what another transaction has not committed yet is invisible to
// the reset's snapshot, so the database must decide (pg_tx_reset_pin.cc).
class PgResetPinTest : public PgStoreTest {
 protected:
  void SetUp() override {
    PgStoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;  // the base fixture skipped or failed
    store_ = Open();
    ASSERT_NE(store_, nullptr);
    AddAccountA(url_);
    AddUsersOfA(url_, "('u1', 'Registered', '1111122222'), ('u2', 'Registered', '2222233333')");
    for (PGconn** conn : {&other_, &third_}) {
      *conn = PQconnectdb(url_.c_str());
      ASSERT_EQ(PQstatus(*conn), CONNECTION_OK);
    }
  }
  void TearDown() override {
    for (PGconn* conn : {other_, third_}) {
      if (conn != nullptr) PQfinish(conn);
    }
  }

  // Runs `sql` on the other session (which keeps its transaction open between calls).
  void Other(const char* sql) { On(other_, sql); }
  // ... or on a third one.
  void Third(const char* sql) { On(third_, sql); }
  void On(PGconn* conn, const char* sql) {
    PGresult* res = PQexec(conn, sql);
    EXPECT_TRUE(PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK)
        << sql << ": " << PQerrorMessage(conn);
    PQclear(res);
  }

  // Waits until a session (the reset) waits for a lock that `holder`'s session holds.
  void WaitUntilBlockedBy(PGconn* holder) { postgres::WaitUntilBlockedBy(url_, holder); }

  // Starts a reset of u1 whose candidates come from `script`: in a write function (fresh for
  // every run of fn), or, when `queued`, through Store::ResetPin (PgTx::ResetPins, one script
  // for all runs).
  std::future<StatusOr<model::User>> StartReset(std::deque<uint64_t> script, bool queued) {
    auto promise = std::make_shared<std::promise<StatusOr<model::User>>>();
    if (queued) {
      auto random = std::make_shared<chime::testing::ScriptedRandom>(script);
      store_->ResetPin(
          PinResetAudit{"r", "p", "a", "u1", 7}, std::nullopt, *random,
          [promise, random](StatusOr<model::User> got) { promise->set_value(std::move(got)); });
      return promise->get_future();
    }
    auto out = std::make_shared<StatusOr<model::User>>(Internal("not run"));
    store_->Write(
        [script, out](Tx& tx) -> Status {
          chime::testing::ScriptedRandom random(script);
          *out = tx.ResetPin(PinResetAudit{"r", "p", "a", "u1", 7}, random);
          return out->status();
        },
        [promise, out](Status s) { promise->set_value(s.ok() ? *out : StatusOr<model::User>(s)); });
    return promise->get_future();
  }

  std::string Pin(const std::string& user) {
    return Sql(url_, "SELECT pin FROM users WHERE user_id = '" + user + "'");
  }
  // Every retired PIN, in order; the request ids of the audit rows, in insertion order.
  std::string RetiredPins() {
    return Sql(url_, "SELECT string_agg(pin, ',' ORDER BY pin) FROM all_retired_pins");
  }
  std::string AuditedRequests() {
    return Sql(url_, "SELECT string_agg(request_id, ',' ORDER BY id) FROM pin_reset_audit");
  }

  std::unique_ptr<PgStore> store_;
  PGconn* other_ = nullptr;
  PGconn* third_ = nullptr;
};

// How a race test's reset runs: in a write function (Tx::ResetPin, a fresh script for every
// run of the function), or queued (Store::ResetPin, one script for all runs) in a transaction
// whose COMMIT waits for the statement's answer, or in one pipeline with it (the default).
enum class ResetPath { kInAWriteFunction, kQueued, kQueuedPipelined };

// The races, each run on every path.
class PgResetRaceTest : public PgResetPinTest, public ::testing::WithParamInterface<ResetPath> {
 protected:
  void SetUp() override {
    PgResetPinTest::SetUp();
    if (IsSkipped() || HasFatalFailure() || GetParam() != ResetPath::kQueued) return;
    PgStoreOptions options;
    options.writer.pipelined_resets = false;
    store_->Close();
    store_ = Open(options);
    ASSERT_NE(store_, nullptr);
  }
  bool queued() const { return GetParam() != ResetPath::kInAWriteFunction; }
};
INSTANTIATE_TEST_SUITE_P(postgres, PgResetRaceTest,
                         ::testing::Values(ResetPath::kInAWriteFunction, ResetPath::kQueued,
                                           ResetPath::kQueuedPipelined),
                         [](const ::testing::TestParamInfo<ResetPath>& info) {
                           switch (info.param) {
                             case ResetPath::kInAWriteFunction:
                               return std::string("InAWriteFunction");
                             case ResetPath::kQueued:
                               return std::string("Queued");
                             case ResetPath::kQueuedPipelined:
                               break;
                           }
                           return std::string("QueuedPipelined");
                         });

TEST_P(PgResetRaceTest, CandidateClaimedByAConcurrentTransactionIsRetriedWithAnother) {
  // The other session gives u2 the reset's first candidate and holds it uncommitted, so the
  // reset's snapshot sees the candidate free and its UPDATE waits on the unique index.
  Other("BEGIN");
  Other("UPDATE users SET pin = '7777788888' WHERE user_id = 'u2'");
  auto reset = StartReset({7777788888ULL, 5555566666ULL}, queued());
  WaitUntilBlockedBy(other_);
  Other("COMMIT");
  StatusOr<model::User> got = reset.get();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->personal_pin, "5555566666");
  EXPECT_EQ(Pin("u1"), "5555566666");
  EXPECT_EQ(Pin("u2"), "7777788888");
  EXPECT_EQ(Sql(url_, "SELECT count(*) FROM pin_reset_audit"), "1");
  EXPECT_GE(store_->stats().writer.retries, 1);  // the 23505 re-ran the transaction
}

TEST_P(PgResetRaceTest, PinBeingRetiredByAConcurrentTransactionIsNeverIssued) {
  // The other session resets u2 away from 2222233333 and retires it, uncommitted. Once it
  // commits, the unique index no longer holds 2222233333, and the retired_pins row is not in
  // the reset's snapshot; the record of issued PINs has held it since u2 got it.
  Other("BEGIN");
  Other("UPDATE users SET pin = '9999911110' WHERE user_id = 'u2'");
  Other("INSERT INTO retired_pins(pin, retired_ms) VALUES ('2222233333', 1)");
  auto reset = StartReset({2222233333ULL, 5555566666ULL}, queued());
  (void)reset.wait_for(std::chrono::seconds(2));  // not expected to wait; commit either way
  Other("COMMIT");
  StatusOr<model::User> got = reset.get();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->personal_pin, "5555566666");
  EXPECT_EQ(Pin("u1"), "5555566666");
}

// A PIN handed out after the reset's snapshot and retired while the reset waits, by
// SERIALIZABLE transactions as chimed's ordinary write batches are. The reset's snapshot sees
// the PIN free; what keeps the reset from issuing it is the record of issued PINs, and SSI may
// abort one of the transactions whose reads the others' writes invalidate. Whichever loses, no
// PIN may end up both retired and held, nor held twice.
TEST_P(PgResetRaceTest, PinHandedOutAndRetiredAfterTheSnapshotIsNeverIssued) {
  Third("SET default_transaction_isolation = 'serializable'");
  Other("BEGIN");
  Other("SELECT 1 FROM users WHERE user_id = 'u1' FOR UPDATE");  // the reset waits for u1
  auto reset = StartReset({7777700001ULL, 5555566666ULL, 5555577777ULL}, queued());
  WaitUntilBlockedBy(other_);
  Third("UPDATE users SET pin = '7777700001' WHERE user_id = 'u2'");  // committed: handed out
  Third("BEGIN");
  Third("UPDATE users SET pin = '9999911110' WHERE user_id = 'u2'");  // ... and given up
  Third("INSERT INTO retired_pins(pin, retired_ms) VALUES ('7777700001', 1)");
  Other("COMMIT");  // the reset goes on
  StatusOr<model::User> got = reset.get();
  PGresult* res = PQexec(third_, "COMMIT");  // SSI may refuse this one instead
  PQclear(res);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_NE(got->personal_pin, "7777700001");
  EXPECT_EQ(Pin("u1"), got->personal_pin);
  EXPECT_EQ(Sql(url_, "SELECT count(*) FROM users u JOIN all_retired_pins r ON r.pin = u.pin"),
            "0");
  EXPECT_EQ(Sql(url_, "SELECT count(*) FROM users WHERE pin = '7777700001'"),
            Sql(url_, "SELECT count(*) FROM all_retired_pins WHERE pin = '7777700001'") == "1"
                ? "0"
                : "1");
}

// The same, by READ COMMITTED transactions (as pipelined batches of resets are, and as any
// other client of the database may be), both committed before the reset goes on. SSI does not
// see them: the PIN is neither held nor retired in the reset's snapshot, no longer held when it
// writes, and only the record of issued PINs refuses it.
TEST_P(PgResetRaceTest, PinHandedOutAndRetiredByReadCommittedTransactionsIsNeverIssued) {
  Other("BEGIN");
  Other("SELECT 1 FROM users WHERE user_id = 'u1' FOR UPDATE");  // the reset waits for u1
  auto reset = StartReset({7777700001ULL, 5555566666ULL, 5555577777ULL}, queued());
  WaitUntilBlockedBy(other_);
  Third("UPDATE users SET pin = '7777700001' WHERE user_id = 'u2'");  // handed out
  Third("UPDATE users SET pin = '9999911110' WHERE user_id = 'u2'");  // ... and given up
  Third("INSERT INTO retired_pins(pin, retired_ms) VALUES ('7777700001', 1)");
  Other("COMMIT");  // the reset goes on
  StatusOr<model::User> got = reset.get();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->personal_pin, "5555566666");
  EXPECT_EQ(Pin("u1"), "5555566666");
  EXPECT_EQ(Pin("u2"), "9999911110");
  EXPECT_EQ(RetiredPins(), "1111122222,7777700001");
  EXPECT_GE(store_->stats().writer.retries, 1);  // 7777700001 was tried and refused (23505)
}

// A concurrent reset of the same user, uncommitted: the reset waits for its row lock, then
// retires the PIN that reset set, not the one it read before.
TEST_P(PgResetRaceTest, ResetWaitingForAConcurrentResetRetiresThePinItSet) {
  Other("BEGIN");
  Other("UPDATE users SET pin = '8888800001' WHERE user_id = 'u1'");
  Other("INSERT INTO retired_pins(pin, retired_ms) VALUES ('1111122222', 1)");
  auto reset = StartReset({5555566666ULL, 5555577777ULL}, queued());
  WaitUntilBlockedBy(other_);
  Other("COMMIT");
  StatusOr<model::User> got = reset.get();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  // SERIALIZABLE (a write function): the reset was aborted (40001) and ran again with a fresh
  // script. READ COMMITTED (a queued reset, pipelined or not): the statement went on with the
  // row as the other transaction left it. Either way the first candidate.
  EXPECT_EQ(got->personal_pin, "5555566666");
  EXPECT_EQ(Pin("u1"), got->personal_pin);
  EXPECT_EQ(RetiredPins(), "1111122222,8888800001");
}

// Two writers (the server's default), each committing its own READ COMMITTED batches of
// resets, on the same two users, with candidates that collide across them: each reset's first
// candidate is also the next reset's, which the other writer is likely running at the same
// moment. Every reset is answered with a PIN of its own, each user holds one its resets
// answered, and each of those retired one PIN and wrote one audit row. READ COMMITTED, the
// writers' transactions wait for each other's row locks; a collision costs a reset one draw and
// a retry, never the writer's limit of attempts. (SERIALIZABLE, they aborted each other on
// these two rows, and some resets were answered 503.)
TEST_F(PgResetPinTest, TwoWritersResettingTheSameUsersNeverIssueAPinTwice) {
  PgStoreOptions options;
  options.writer.threads = 2;
  store_->Close();
  store_ = Open(options);
  ASSERT_NE(store_, nullptr);
  constexpr int kResets = 200;
  std::vector<std::unique_ptr<chime::testing::ScriptedRandom>> randoms;
  std::vector<std::future<StatusOr<model::User>>> pending;
  for (int k = 0; k < kResets; ++k) {
    // The candidate shared with the neighbouring reset, then fresh ones of its own: a failed
    // statement costs every reset of its batch a draw, and colliding writers fail many (a
    // slow build, e.g. under ASan, more of them).
    std::deque<uint64_t> script{7000000000ULL + static_cast<uint64_t>(k / 2)};
    for (uint64_t j = 0; j < 100; ++j) script.push_back(8000000000ULL + 100 * k + j);
    randoms.push_back(std::make_unique<chime::testing::ScriptedRandom>(std::move(script)));
    auto promise = std::make_shared<std::promise<StatusOr<model::User>>>();
    pending.push_back(promise->get_future());
    store_->ResetPin(PinResetAudit{"r" + std::to_string(k), "p", "a", k % 2 == 0 ? "u1" : "u2", 7},
                     std::nullopt, *randoms.back(),
                     [promise](StatusOr<model::User> got) { promise->set_value(std::move(got)); });
    // Small batches, so that both writers take some and their transactions overlap.
    if (k % 2 == 1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::set<std::string> pins;
  std::map<std::string, std::set<std::string>> answered;  // user -> PINs its resets answered
  for (auto& f : pending) {
    StatusOr<model::User> got = f.get();
    if (!got.ok()) {
      ADD_FAILURE() << got.status().ToString();
      continue;
    }
    EXPECT_TRUE(pins.insert(got->personal_pin).second) << got->personal_pin << " answered twice";
    answered[got->user_id].insert(got->personal_pin);
  }
  const int acknowledged = static_cast<int>(pins.size());
  EXPECT_EQ(acknowledged, kResets);
  for (const char* user : {"u1", "u2"}) {
    EXPECT_EQ(answered[user].count(Pin(user)), 1u) << user << " holds " << Pin(user);
  }
  EXPECT_EQ(Sql(url_, "SELECT count(*) FROM all_retired_pins"), std::to_string(acknowledged));
  EXPECT_EQ(Sql(url_, "SELECT count(*) FROM pin_reset_audit"), std::to_string(acknowledged));
  EXPECT_EQ(Sql(url_, "SELECT count(*) FROM users u JOIN all_retired_pins r USING (pin)"), "0");
  EXPECT_EQ(Sql(url_, "SELECT count(*) FROM issued_pins"), std::to_string(acknowledged + 2));
}

// Store::ResetPin on PostgreSQL: resets queued while the writer is busy run in its next
// transaction as one group (PgTx::ResetPins). This holds the writer in a write function until
// the resets are queued, so they are one batch. Here with the COMMIT sent after the group's
// answers (what a batch mixing resets and other writes does, and what runs whatever a
// pipelined batch left undone); PgPipelinedResetsTest below has the default.
class PgQueuedResetsTest : public PgResetPinTest {
 protected:
  void SetUp() override {
    PgResetPinTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;  // the base fixture skipped or failed
    PgStoreOptions options;
    options.writer.threads = 1;  // the one this holds
    options.writer.pipelined_resets = pipelined();
    if (fault_at_ > 0) {
      // The fault_at_-th COMMIT (counting pipelined ones) meets fault_.
      auto calls = std::make_shared<std::atomic<int>>(0);
      options.writer.commit_fault = [calls, at = fault_at_, fault = fault_] {
        return ++*calls == at ? fault : CommitFault::kNone;
      };
    }
    store_->Close();
    store_ = Open(options);
    ASSERT_NE(store_, nullptr);
  }
  virtual bool pipelined() const { return false; }

  // Holds the writer in a write function until ReleaseWriter(), so that everything queued
  // meanwhile becomes its next batch.
  void HoldWriter() {
    std::promise<void> running;
    store_->Write(
        [&running, released = release_.get_future().share()](Tx&) {
          running.set_value();
          released.wait();
          return OkStatus();
        },
        [](Status) {});
    running.get_future().wait();
  }
  void ReleaseWriter() { release_.set_value(); }

  // Queues a reset of (account, user) with candidates from `random`; its outcome.
  std::future<StatusOr<model::User>> QueueReset(
      const std::string& account_id, const std::string& user_id,
      chime::testing::ScriptedRandom& random,
      const std::optional<AccessKeyCheck>& key = std::nullopt) {
    auto promise = std::make_shared<std::promise<StatusOr<model::User>>>();
    store_->ResetPin(PinResetAudit{"r" + std::to_string(queued_++), "p", account_id, user_id, 7},
                     key, random,
                     [promise](StatusOr<model::User> got) { promise->set_value(std::move(got)); });
    return promise->get_future();
  }

  // Queues resets of (account, user) with candidates from one script, all in one batch.
  // `keys`, when given, holds each reset's access-key check.
  std::vector<StatusOr<model::User>> ResetTogether(
      const std::vector<std::pair<std::string, std::string>>& resets,
      chime::testing::ScriptedRandom& random,
      const std::vector<std::optional<AccessKeyCheck>>& keys = {}) {
    HoldWriter();
    std::vector<std::future<StatusOr<model::User>>> pending;
    for (size_t i = 0; i < resets.size(); ++i) {
      pending.push_back(QueueReset(resets[i].first, resets[i].second, random,
                                   i < keys.size() ? keys[i] : std::nullopt));
    }
    ReleaseWriter();
    std::vector<StatusOr<model::User>> out;
    for (auto& f : pending) out.push_back(f.get());
    return out;
  }

  // Everything queued while the writer was held ran as one batch of `n`, committed at once.
  void ExpectOneBatchOf(int n) {
    auto stats = store_->stats().writer;
    EXPECT_EQ(stats.largest_batch, n);
    EXPECT_EQ(stats.retries, 0);
    EXPECT_EQ(stats.commits, 2);  // the holding write's, then the batch's
  }

  // Adds the invited u3 and resets, as one batch with candidates from `random`: u1, u2, u1
  // again, u9 (missing), u3 (invited, no PIN) and u2 of account b (not its user). u1's first
  // reset gets `u1_first` and its second `u1_second`; u2's gets `u2`. The outcomes and what is
  // stored are the same whichever path runs the batch.
  void ResetTheMixedGroup(chime::testing::ScriptedRandom& random, const std::string& u1_first,
                          const std::string& u2, const std::string& u1_second) {
    Sql(url_,
        "INSERT INTO users(user_id, account_id, primary_provisioned_number, display_name, "
        "license_type, user_type, registration_status, pin) VALUES "
        "('u3', 'a', '', '', 'Pro', 'PrivateUser', 'Unregistered', NULL)");
    auto got = ResetTogether(
        {{"a", "u1"}, {"a", "u2"}, {"a", "u1"}, {"a", "u9"}, {"a", "u3"}, {"b", "u2"}}, random);
    ASSERT_TRUE(got[0].ok()) << got[0].status().ToString();
    EXPECT_EQ(got[0]->personal_pin, u1_first);
    ASSERT_TRUE(got[1].ok()) << got[1].status().ToString();
    EXPECT_EQ(got[1]->personal_pin, u2);
    ASSERT_TRUE(got[2].ok()) << got[2].status().ToString();
    EXPECT_EQ(got[2]->personal_pin, u1_second);
    EXPECT_EQ(got[3].status().code(), Code::kNotFound);
    EXPECT_EQ(got[4].status().code(), Code::kInvalidArgument);
    EXPECT_EQ(got[5].status().code(), Code::kNotFound);
    EXPECT_EQ(Pin("u1"), u1_second);
    EXPECT_EQ(Pin("u2"), u2);
    EXPECT_EQ(RetiredPins(), "1111122222,2222233333," + u1_first);
    // Audit rows in the order the resets took effect: u1's first one needed a second candidate.
    EXPECT_EQ(AuditedRequests(), "r1,r0,r2");
  }

  // Past the writer: its commits are counted for fault_at_.
  AccessKeyCheck AddKey(const std::string& id) { return AddEnabledKey(url_, id); }

  // Resets u1 with an access key and u2 without, as one batch, with candidates 5555500001 on.
  // The key is disabled when the batch's statement begins and enabled while the statement waits
  // for u2's row lock, held by the other session: READ COMMITTED, the statement refuses u1 in
  // its snapshot, and anything that reads afterwards finds the key enabled.
  std::vector<StatusOr<model::User>> ResetWithAKeyEnabledWhileTheStatementWaits() {
    const AccessKeyCheck key = AddKey("AKIAENABLEDLATE");
    Sql(url_, "UPDATE access_keys SET enabled = false WHERE access_key_id = 'AKIAENABLEDLATE'");
    Other("BEGIN");
    Other("SELECT 1 FROM users WHERE user_id = 'u2' FOR UPDATE");
    HoldWriter();
    auto u1 = QueueReset("a", "u1", random_, key);
    auto u2 = QueueReset("a", "u2", random_);
    ReleaseWriter();
    WaitUntilBlockedBy(other_);
    Sql(url_, "UPDATE access_keys SET enabled = true WHERE access_key_id = 'AKIAENABLEDLATE'");
    Other("COMMIT");
    std::vector<StatusOr<model::User>> out;
    out.push_back(u1.get());
    out.push_back(u2.get());
    return out;
  }

  std::promise<void> release_;
  int queued_ = 0;
  chime::testing::ScriptedRandom random_{
      {5555500001ULL, 5555500002ULL, 5555500003ULL, 5555500004ULL, 5555500005ULL}};
  int fault_at_ = 0;  // set before SetUp to inject fault_ there
  CommitFault fault_ = CommitFault::kNone;
};

TEST_F(PgQueuedResetsTest, AGroupOfResetsGivesEachItsOwnOutcomeInOrder) {
  // Candidates in the order the group draws them. First statement: u1 (draws u2's PIN: taken),
  // u2, u9 (missing), u3 (invited); then u1 again with a fresh candidate, and u2 in another
  // account; then u1's second reset, which finds the PIN its first one set.
  chime::testing::ScriptedRandom random({2222233333ULL, 5555500001ULL, 5555500003ULL, 5555500004ULL,
                                         5555500005ULL, 5555500006ULL, 5555500007ULL});
  ResetTheMixedGroup(random, "5555500005", "5555500001", "5555500007");
  ExpectOneBatchOf(6);
}

// A reset whose access key changed since the gate admitted it (a stale copy) is left out of the
// group's statement and answered kKeyChanged; the others of the group are not disturbed.
TEST_F(PgQueuedResetsTest, AResetWhoseKeyChangedIsLeftOutOfTheGroup) {
  const AccessKeyCheck current = AddKey("AKIAGROUPED");
  AccessKeyCheck stale = current;
  stale.policy_json = "{\"Statement\":[]}";
  chime::testing::ScriptedRandom random({5555500001ULL, 5555500002ULL});
  auto got = ResetTogether({{"a", "u1"}, {"a", "u2"}}, random, {current, stale});
  ASSERT_TRUE(got[0].ok()) << got[0].status().ToString();
  EXPECT_EQ(got[0]->personal_pin, "5555500001");
  EXPECT_EQ(got[1].status().code(), Code::kKeyChanged);
  EXPECT_EQ(Pin("u2"), "2222233333");
  EXPECT_EQ(AuditedRequests(), "r0");
  EXPECT_EQ(RetiredPins(), "1111122222");
}

// The reads that say why the statement refused u1 find nothing wrong (the key is enabled by
// then): the transaction runs again, each reset in one of its own, and u1's succeeds. Before,
// in one snapshot, such a disagreement could only be a bug (a 500).
TEST_F(PgQueuedResetsTest, AResetRefusedByAKeyEnabledWhileItsStatementWaitedRunsAgain) {
  auto got = ResetWithAKeyEnabledWhileTheStatementWaits();
  ASSERT_TRUE(got[0].ok()) << got[0].status().ToString();
  EXPECT_EQ(got[0]->personal_pin, "5555500003");
  ASSERT_TRUE(got[1].ok()) << got[1].status().ToString();
  EXPECT_EQ(got[1]->personal_pin, "5555500004");
  EXPECT_EQ(Pin("u1"), "5555500003");
  EXPECT_EQ(Pin("u2"), "5555500004");
  EXPECT_EQ(AuditedRequests(), "r0,r1");
  EXPECT_EQ(RetiredPins(), "1111122222,2222233333");
  EXPECT_GE(store_->stats().writer.retries, 1);
}

TEST_F(PgQueuedResetsTest, TwoResetsOfAGroupDrawingOneCandidateAreRetriedApart) {
  // One statement would give u1 and u2 the same PIN: the unique index refuses it, and each
  // reset runs again in a transaction of its own, with the next candidates.
  chime::testing::ScriptedRandom random(
      {5555500001ULL, 5555500001ULL, 5555500002ULL, 5555500003ULL});
  auto got = ResetTogether({{"a", "u1"}, {"a", "u2"}}, random);
  ASSERT_TRUE(got[0].ok()) << got[0].status().ToString();
  ASSERT_TRUE(got[1].ok()) << got[1].status().ToString();
  EXPECT_EQ(got[0]->personal_pin, "5555500002");
  EXPECT_EQ(got[1]->personal_pin, "5555500003");
  EXPECT_EQ(Pin("u1"), "5555500002");
  EXPECT_EQ(Pin("u2"), "5555500003");
  EXPECT_EQ(Sql(url_, "SELECT count(*) FROM pin_reset_audit"), "2");
  EXPECT_EQ(Sql(url_, "SELECT count(*) FROM all_retired_pins"), "2");
  EXPECT_GE(store_->stats().writer.retries, 1);
}

// Resets between write functions in one batch: each group of resets is one function with a
// savepoint of its own, and a failing function rolls back only itself.
TEST_F(PgQueuedResetsTest, ResetsMixedWithWriteFunctionsKeepEveryOutcome) {
  chime::testing::ScriptedRandom random({5555500001ULL, 5555500002ULL, 5555500003ULL});
  auto write = [this](std::function<Status(Tx&)> fn) {
    auto promise = std::make_shared<std::promise<Status>>();
    store_->Write(std::move(fn), [promise](Status s) { promise->set_value(s); });
    return promise->get_future();
  };
  HoldWriter();
  auto doc = write([](Tx& tx) { return tx.PutDocument("doc", "kept", "{}"); });
  auto first = QueueReset("a", "u1", random);
  auto second = QueueReset("a", "u2", random);
  auto failing = write([](Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.PutDocument("doc", "gone", "{}"));
    return InvalidArgument("refused after a statement");
  });
  auto third = QueueReset("a", "u1", random);
  ReleaseWriter();
  EXPECT_TRUE(doc.get().ok());
  EXPECT_EQ(failing.get().code(), Code::kInvalidArgument);
  StatusOr<model::User> got[] = {first.get(), second.get(), third.get()};
  for (const auto& g : got) ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(got[0]->personal_pin, "5555500001");
  EXPECT_EQ(got[1]->personal_pin, "5555500002");
  EXPECT_EQ(got[2]->personal_pin, "5555500003");
  EXPECT_EQ(Pin("u1"), "5555500003");
  EXPECT_EQ(Pin("u2"), "5555500002");
  EXPECT_EQ(Sql(url_, "SELECT string_agg(key, ',' ORDER BY key) FROM documents"), "kept");
  EXPECT_EQ(RetiredPins(), "1111122222,2222233333,5555500001");
  EXPECT_EQ(AuditedRequests(), "r0,r1,r2");
  ExpectOneBatchOf(5);
}

// The default: a batch of resets only sends BEGIN, its statement and COMMIT in one pipeline
// (pg_writer_resets.cc). The statement lists the resets it did in the commit marker.
class PgPipelinedResetsTest : public PgQueuedResetsTest {
 protected:
  bool pipelined() const override { return true; }
  std::string MarkedResets() {
    return Sql(url_, "SELECT string_agg(resets::text, ';') FROM chimed_commit_markers");
  }
};

TEST_F(PgPipelinedResetsTest, ABatchCommitsWithItsStatementAndListsItsResetsInTheMarker) {
  chime::testing::ScriptedRandom random({5555500001ULL, 5555500002ULL});
  auto got = ResetTogether({{"a", "u1"}, {"a", "u2"}}, random);
  ASSERT_TRUE(got[0].ok()) << got[0].status().ToString();
  ASSERT_TRUE(got[1].ok()) << got[1].status().ToString();
  EXPECT_EQ(got[0]->personal_pin, "5555500001");
  EXPECT_EQ(got[1]->personal_pin, "5555500002");
  EXPECT_EQ(got[1]->user_id, "u2");
  EXPECT_EQ(Pin("u1"), "5555500001");
  EXPECT_EQ(Pin("u2"), "5555500002");
  EXPECT_EQ(RetiredPins(), "1111122222,2222233333");
  EXPECT_EQ(AuditedRequests(), "r0,r1");
  EXPECT_EQ(MarkedResets(), "{1,2}");  // the holding write's marker lists nothing
  ExpectOneBatchOf(2);
}

// What the one statement could not do runs again in a transaction of the ordinary kind, which
// draws again for a taken candidate and says why a reset is refused: the outcomes are those
// of PgQueuedResetsTest.AGroupOfResetsGivesEachItsOwnOutcomeInOrder.
TEST_F(PgPipelinedResetsTest, WhatTheStatementDidNotDoRunsAgainInTheNextTransaction) {
  // The pipelined statement: u1 (draws u2's PIN: taken), u2, u9 (missing), u3 (invited); not
  // u1's second reset, nor u2 of account b (that user id is in it already). Then, in order:
  // u1, u9, u3 and b's u2 in one statement, u1's second reset in the next.
  chime::testing::ScriptedRandom random({2222233333ULL, 5555500001ULL, 5555500002ULL, 5555500003ULL,
                                         5555500004ULL, 5555500005ULL, 5555500006ULL, 5555500007ULL,
                                         5555500008ULL});
  ResetTheMixedGroup(random, "5555500004", "5555500001", "5555500008");
  EXPECT_EQ(MarkedResets(), "{2}");
  auto stats = store_->stats().writer;
  EXPECT_EQ(stats.largest_batch, 6);
  EXPECT_EQ(stats.retries, 0);
  EXPECT_EQ(stats.commits, 3);  // the holding write's, the pipelined one, the rest's
}

// Pipelined: the batch's statement refuses u1 and commits u2's reset; the next transaction,
// which reads the key enabled, resets u1.
TEST_F(PgPipelinedResetsTest, AResetRefusedByAKeyEnabledWhileItsStatementWaitedRunsAgain) {
  auto got = ResetWithAKeyEnabledWhileTheStatementWaits();
  ASSERT_TRUE(got[0].ok()) << got[0].status().ToString();
  EXPECT_EQ(got[0]->personal_pin, "5555500003");
  ASSERT_TRUE(got[1].ok()) << got[1].status().ToString();
  EXPECT_EQ(got[1]->personal_pin, "5555500002");
  EXPECT_EQ(AuditedRequests(), "r1,r0");
  EXPECT_EQ(RetiredPins(), "1111122222,2222233333");
}

// The server ends the session of a pipelined batch while its statement waits for a row lock,
// saying so: COMMIT never ran, so the batch is not in doubt (no commit marker to resolve), and
// the writer runs it again as a write never sent.
TEST_F(PgPipelinedResetsTest, ABatchWhoseSessionTheServerEndedBeforeCommitIsNotInDoubt) {
  Other("BEGIN");
  Other("SELECT 1 FROM users WHERE user_id = 'u1' FOR UPDATE");
  auto u1 = QueueReset("a", "u1", random_);
  WaitUntilBlockedBy(other_);
  chime::testing::CapturedStderr captured;
  ASSERT_NO_FATAL_FAILURE(TerminateTheWaiterOf(url_, other_));
  Other("COMMIT");
  StatusOr<model::User> got = u1.get();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(Pin("u1"), got->personal_pin);
  EXPECT_EQ(AuditedRequests(), "r0");
  // The log says why: the server's "terminating connection due to administrator command".
  EXPECT_NE(captured.Text().find("users.reset_pin lost its connection (sqlstate 57P01)"),
            std::string::npos)
      << captured.Text();
  const auto stats = store_->stats().writer;
  EXPECT_EQ(stats.resolved_committed + stats.resolved_aborted, 0);
  EXPECT_EQ(stats.retries, 1);
}

// A pipelined batch whose COMMIT meets `kFault`.
template <CommitFault kFault>
class PgPipelinedFaultTest : public PgPipelinedResetsTest {
 protected:
  void SetUp() override {
    fault_at_ = 2;  // the holding write commits first
    fault_ = kFault;
    PgPipelinedResetsTest::SetUp();
  }
};

// The connection breaks after the pipeline went out and the transaction committed: neither the
// statement's answer nor COMMIT's arrives. The marker says it committed and which resets it
// did; those are answered from a read-back, never run twice, and the others run again.
using PgPipelinedLostAnswerTest = PgPipelinedFaultTest<CommitFault::kLoseAnswerAfterCommit>;

TEST_F(PgPipelinedLostAnswerTest, CommittedResetsAreReadBackAndTheOthersRunAgain) {
  // u1 gets a fresh PIN; u2 draws u1's PIN, which is taken, so the marker lists only u1.
  chime::testing::ScriptedRandom random({5555500001ULL, 1111122222ULL, 5555500002ULL});
  auto got = ResetTogether({{"a", "u1"}, {"a", "u2"}}, random);
  ASSERT_TRUE(got[0].ok()) << got[0].status().ToString();
  ASSERT_TRUE(got[1].ok()) << got[1].status().ToString();
  EXPECT_EQ(got[0]->user_id, "u1");
  EXPECT_EQ(got[0]->account_id, "a");
  EXPECT_EQ(got[0]->personal_pin, "5555500001");
  EXPECT_EQ(got[1]->personal_pin, "5555500002");
  EXPECT_EQ(Pin("u1"), "5555500001");
  EXPECT_EQ(Pin("u2"), "5555500002");
  EXPECT_EQ(AuditedRequests(), "r0,r1");  // u1 was reset once
  EXPECT_EQ(RetiredPins(), "1111122222,2222233333");
  auto stats = store_->stats().writer;
  EXPECT_EQ(stats.resolved_committed, 1);
  EXPECT_EQ(stats.resolved_aborted, 0);
}

// The same lost answer with access-key checks: the reset whose key is current is read back, the
// one whose key changed is not in the marker, runs again and is answered kKeyChanged.
TEST_F(PgPipelinedLostAnswerTest, AResetWhoseKeyChangedIsNotReadBackButRefused) {
  const AccessKeyCheck current = AddKey("AKIAPIPELINED");
  AccessKeyCheck stale = current;
  stale.encrypted_secret = "rotated";
  chime::testing::ScriptedRandom random({5555500001ULL, 5555500002ULL, 5555500003ULL});
  auto got = ResetTogether({{"a", "u1"}, {"a", "u2"}}, random, {current, stale});
  ASSERT_TRUE(got[0].ok()) << got[0].status().ToString();
  EXPECT_EQ(got[0]->personal_pin, "5555500001");
  EXPECT_EQ(got[1].status().code(), Code::kKeyChanged);
  EXPECT_EQ(Pin("u1"), "5555500001");
  EXPECT_EQ(Pin("u2"), "2222233333");
  EXPECT_EQ(AuditedRequests(), "r0");
  EXPECT_EQ(store_->stats().writer.resolved_committed, 1);
}

// The break after the statement's answer arrived but before COMMIT's: the answer is kept, and
// once the marker says the batch committed, each reset is answered from it.
using PgPipelinedLostCommitAnswerTest = PgPipelinedFaultTest<CommitFault::kLoseCommitAnswer>;

TEST_F(PgPipelinedLostCommitAnswerTest, TheStatementsAnswerIsUsedOnceTheCommitIsResolved) {
  chime::testing::ScriptedRandom random({5555500001ULL, 5555500002ULL, 5555500003ULL});
  auto got = ResetTogether({{"a", "u1"}, {"a", "u2"}}, random);
  ASSERT_TRUE(got[0].ok()) << got[0].status().ToString();
  ASSERT_TRUE(got[1].ok()) << got[1].status().ToString();
  EXPECT_EQ(got[0]->personal_pin, "5555500001");
  EXPECT_EQ(got[1]->personal_pin, "5555500002");
  EXPECT_EQ(Pin("u1"), "5555500001");
  EXPECT_EQ(Pin("u2"), "5555500002");
  EXPECT_EQ(AuditedRequests(), "r0,r1");
  auto stats = store_->stats().writer;
  EXPECT_EQ(stats.resolved_committed, 1);
  EXPECT_EQ(stats.retries, 0);
}

// The read-back itself: the resets the marker lists, with the PIN each set (not the row's
// PIN now, which a later reset may have changed), a listed user gone since, and one unlisted.
TEST_F(PgResetPinTest, AReadBackAnswersTheListedResetsAndNamesAGoneUser) {
  Sql(url_, "INSERT INTO chimed_commit_markers(token, resets) VALUES ('t', '{1,2}')");
  ConnectSettings settings;
  settings.url = url_;
  auto conn = PgConnection::Connect(settings);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  PinResetJob listed, gone, unlisted;
  listed.audit = PinResetAudit{"r1", "p", "a", "u1", 7};
  gone.audit = PinResetAudit{"r2", "p", "a", "deleted", 7};
  unlisted.audit = PinResetAudit{"r3", "p", "a", "u2", 7};
  PipelinedResets batch;
  batch.jobs = {&listed, &gone, &unlisted};
  batch.candidates = {"5555500001", "5555500002", "5555500003"};
  auto r = (*conn)->Query(ReadBackSql(), ReadBackParams(batch, "t"), "test.read_back");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(ReadBackAnswers(*r, batch).ok());
  EXPECT_EQ(batch.answers,
            (std::vector<PipelinedAnswer>{PipelinedAnswer::kDone, PipelinedAnswer::kDoneGone,
                                          PipelinedAnswer::kNotDone}));
  ASSERT_TRUE(listed.user.has_value());
  EXPECT_EQ(listed.user->user_id, "u1");
  EXPECT_EQ(listed.user->personal_pin, "5555500001");  // the row still holds 1111122222
  EXPECT_FALSE(gone.user.has_value());
  EXPECT_FALSE(unlisted.user.has_value());
}

// A candidate the pipelined statement found taken is one of the reset's draws, as
// model::AllocatePin counts them: a reset allowed one draw gives up, one allowed two draws
// again.
TEST_F(PgResetPinTest, APipelinedTakenCandidateCountsAsADraw) {
  ConnectSettings settings;
  settings.url = url_;
  PgWriter writer(settings, PgWriterOptions());
  auto run = [&writer](int max_attempts, chime::testing::ScriptedRandom& random) {
    auto job = std::make_shared<PinResetJob>();
    job->audit = PinResetAudit{"r", "p", "a", "u1", 7};
    job->random = &random;
    job->max_attempts = max_attempts;
    std::promise<Status> done;
    writer.SubmitReset(job, [&done](Status s) { done.set_value(std::move(s)); });
    Status status = done.get_future().get();
    return std::make_pair(status, job->user);
  };
  // u2's PIN first (taken), then a free one that only a second draw may use.
  chime::testing::ScriptedRandom one({2222233333ULL, 5555500009ULL});
  auto [refused, none] = run(1, one);
  EXPECT_EQ(refused.code(), Code::kUnavailable);
  EXPECT_EQ(refused.message(), model::PinAllocationFailed().message());
  EXPECT_EQ(Pin("u1"), "1111122222");
  chime::testing::ScriptedRandom two({2222233333ULL, 5555500001ULL});
  auto [ok, user] = run(2, two);
  ASSERT_TRUE(ok.ok()) << ok.ToString();
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->personal_pin, "5555500001");
  writer.Stop();
}

// The same break when the transaction did not commit (rolled back, or the connection dropped
// with the transaction still open, so that resolution waits for the server to end it):
// nothing was done, and every reset runs again.
TEST_F(PgStoreTest, APipelinedBatchThatDidNotCommitRunsAgain) {
  for (CommitFault fault :
       {CommitFault::kLoseAnswerAfterRollback, CommitFault::kDropBeforeCommit}) {
    SCOPED_TRACE(static_cast<int>(fault));
    auto url = PgTestServer::Get().NewDatabase();
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    url_ = *url;
    auto store = OpenWithFault(fault);
    ASSERT_NE(store, nullptr);
    AddAccountA(url_);
    AddUsersOfA(url_, "('u1', 'Registered', '1111122222')");
    chime::testing::ScriptedRandom random({5555500001ULL, 5555500002ULL});
    std::promise<StatusOr<model::User>> promise;
    store->ResetPin(PinResetAudit{"r", "p", "a", "u1", 7}, std::nullopt, random,
                    [&promise](StatusOr<model::User> got) { promise.set_value(std::move(got)); });
    StatusOr<model::User> got = promise.get_future().get();
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->personal_pin, "5555500002");  // the first candidate's run never committed
    EXPECT_EQ(Sql(url_, "SELECT pin FROM users WHERE user_id = 'u1'"), "5555500002");
    EXPECT_EQ(Sql(url_, "SELECT count(*) FROM pin_reset_audit"), "1");
    EXPECT_EQ(store->stats().writer.resolved_aborted, 1);
    EXPECT_EQ(store->stats().writer.resolved_committed, 0);
  }
}

}  // namespace
}  // namespace chime::store::postgres
