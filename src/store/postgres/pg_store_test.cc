// PostgreSQL-specific behaviour of PgStore, beyond the Store contract (store_contract_test.cc):
// interrupted COMMITs resolved, serializable retries across instances, reconnection,
// concurrent migrations, group commit, and what errors reveal.
#include "store/postgres/pg_store.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/testing/captured_stderr.h"
#include "common/testing/scripted_random.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_migrations.h"
#include "store/postgres/pg_test_server.h"
#include "store/postgres/pg_tx.h"

namespace chime::store::postgres {
namespace {

// Runs one SQL statement on a fresh connection; the first column of the first row.
std::string Sql(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  PGresult* res = PQexec(conn, sql.c_str());
  std::string out = PQntuples(res) > 0 ? PQgetvalue(res, 0, 0) : "";
  if (PQresultStatus(res) != PGRES_TUPLES_OK && PQresultStatus(res) != PGRES_COMMAND_OK) {
    ADD_FAILURE() << "SQL failed: " << sql << ": " << PQerrorMessage(conn);
  }
  PQclear(res);
  PQfinish(conn);
  return out;
}

// Adds one to the integer document ("counter", key): a read-modify-write that loses updates
// unless writes are serializable.
Status Increment(Tx& tx, const std::string& key) {
  ASSIGN_OR_RETURN(auto doc, tx.GetDocument("counter", key));
  int value = doc.has_value() ? std::stoi(*doc) : 0;
  return tx.PutDocument("counter", key, std::to_string(value + 1));
}

int Counter(Store& store, const std::string& key) {
  int value = -1;
  Status s = store.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto doc, tx.GetDocument("counter", key));
    value = doc.has_value() ? std::stoi(*doc) : 0;
    return OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return value;
}

class PgStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string& why = PgTestServer::Get().unavailable();
    if (!why.empty()) GTEST_SKIP() << "POSTGRES-UNAVAILABLE: " << why;
    auto url = PgTestServer::Get().NewDatabase();
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    url_ = *url;
  }

  std::unique_ptr<PgStore> Open(PgStoreOptions options = PgStoreOptions()) {
    auto store = PgStore::Open(url_, options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // A store whose next COMMIT meets `fault` (later ones are ordinary).
  std::unique_ptr<PgStore> OpenWithFault(CommitFault fault) {
    auto pending = std::make_shared<std::atomic<bool>>(true);
    PgStoreOptions options;
    options.writer.commit_fault = [pending, fault] {
      return pending->exchange(false) ? fault : CommitFault::kNone;
    };
    return Open(options);
  }

  std::string url_;
};

// A batch slower than the threshold is logged with its size and retries; the next ones within
// 10 s are only counted.
TEST_F(PgStoreTest, SlowBatchesAreLoggedAtMostOncePerInterval) {
  PgStoreOptions options;
  options.writer.slow_write_warning_ms = 0;  // every batch is slow
  auto store = Open(options);
  ASSERT_NE(store, nullptr);
  chime::testing::CapturedStderr captured;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(store->WriteAndWait([](Tx& tx) { return Increment(tx, "slow"); }).ok());
  }
  const std::string text = captured.Text();
  const std::string line = "postgres write batch took ";
  auto at = text.find(line);
  ASSERT_NE(at, std::string::npos) << text;
  EXPECT_NE(text.find("(1 write, 0 retries), over the 0 ms warning threshold", at),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find(line, at + 1), std::string::npos) << "a second line within 10 s:\n" << text;
}

TEST_F(PgStoreTest, LostAnswerOfACommitThatHappenedIsResolvedAsCommitted) {
  auto store = OpenWithFault(CommitFault::kLoseAnswerAfterCommit);
  ASSERT_NE(store, nullptr);
  int runs = 0;
  Status s = store->WriteAndWait([&](Tx& tx) {
    ++runs;
    return Increment(tx, "c");
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(runs, 1);  // not run again: it committed
  EXPECT_EQ(Counter(*store, "c"), 1);
  EXPECT_EQ(store->stats().writer.resolved_committed, 1);
}

TEST_F(PgStoreTest, LostAnswerOfACommitThatDidNotHappenIsRetried) {
  for (CommitFault fault :
       {CommitFault::kLoseAnswerAfterRollback, CommitFault::kDropBeforeCommit}) {
    auto store = OpenWithFault(fault);
    ASSERT_NE(store, nullptr);
    int before = Counter(*store, "c");
    int runs = 0;
    Status s = store->WriteAndWait([&](Tx& tx) {
      ++runs;
      return Increment(tx, "c");
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(runs, 2);  // the first run's transaction never committed
    EXPECT_EQ(Counter(*store, "c"), before + 1);
    EXPECT_EQ(store->stats().writer.resolved_aborted, 1);
  }
}

TEST_F(PgStoreTest, ReadModifyWriteFromTwoInstancesLosesNoUpdate) {
  // One hot row from two instances: what is tested is that no update is lost, not when a write
  // gives up (the default 8 attempts can run out on a busy machine), so allow many attempts.
  PgStoreOptions options;
  options.writer.max_attempts = 64;
  auto a = Open(options);
  auto b = Open(options);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  constexpr int kPerThread = 40;
  std::atomic<int> failures{0};
  auto retries = [&] { return a->stats().writer.retries + b->stats().writer.retries; };
  // Each instance may commit a whole burst in one or two transactions, so on a busy machine
  // one burst can finish before the other starts; repeat until the instances have collided.
  int rounds = 0;
  for (; rounds < 20 && retries() == 0; ++rounds) {
    std::vector<std::thread> threads;
    for (PgStore* store : {a.get(), b.get(), a.get(), b.get()}) {
      threads.emplace_back([store, &failures] {
        std::vector<std::future<Status>> pending;
        for (int i = 0; i < kPerThread; ++i) {
          auto promise = std::make_shared<std::promise<Status>>();
          pending.push_back(promise->get_future());
          store->Write([](Tx& tx) { return Increment(tx, "hot"); },
                       [promise](Status s) { promise->set_value(s); });
        }
        for (auto& f : pending) {
          if (!f.get().ok()) ++failures;
        }
      });
    }
    for (auto& t : threads) t.join();
  }
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Counter(*a, "hot"), rounds * 4 * kPerThread);
  // The two instances really did collide, and PostgreSQL made one of them retry.
  EXPECT_GT(retries(), 0);
}

TEST_F(PgStoreTest, ConcurrentWritesAreGroupCommitted) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  constexpr int kWrites = 200;
  std::vector<std::future<Status>> pending;
  for (int i = 0; i < kWrites; ++i) {
    auto promise = std::make_shared<std::promise<Status>>();
    pending.push_back(promise->get_future());
    std::string key = "k" + std::to_string(i);
    store->Write([key](Tx& tx) { return tx.PutDocument("doc", key, "{}"); },
                 [promise](Status s) { promise->set_value(s); });
  }
  for (auto& f : pending) EXPECT_TRUE(f.get().ok());
  auto stats = store->stats().writer;
  EXPECT_GT(stats.largest_batch, 1);
  EXPECT_LT(stats.commits, kWrites);
}

// The writer sends BEGIN, the commit marker and each savepoint release ahead of the next
// statement (PgConnection::Defer); every function still gets exactly its own outcome.
TEST_F(PgStoreTest, BatchOfSucceedingAndFailingFunctionsKeepsOnlyTheSuccesses) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  constexpr int kWrites = 90;
  std::vector<std::future<Status>> pending;
  for (int i = 0; i < kWrites; ++i) {
    auto promise = std::make_shared<std::promise<Status>>();
    pending.push_back(promise->get_future());
    std::string key = "k" + std::to_string(i);
    store->Write(
        [key, i](Tx& tx) -> Status {
          if (i % 3 == 2) return InvalidArgument("refused before any statement");
          RETURN_IF_ERROR(tx.PutDocument("doc", key, "{}"));
          if (i % 3 == 1) return InvalidArgument("refused after a statement");
          return OkStatus();
        },
        [promise](Status s) { promise->set_value(s); });
  }
  for (int i = 0; i < kWrites; ++i) {
    Status s = pending[i].get();
    EXPECT_EQ(s.code(), i % 3 == 0 ? Code::kOk : Code::kInvalidArgument) << i;
  }
  EXPECT_GT(store->stats().writer.largest_batch, 1);
  EXPECT_EQ(store->stats().writer.retries, 0);
  for (int i = 0; i < kWrites; ++i) {
    std::optional<std::string> doc;
    ASSERT_TRUE(store
                    ->Read([&](Tx& tx) -> Status {
                      ASSIGN_OR_RETURN(doc, tx.GetDocument("doc", "k" + std::to_string(i)));
                      return OkStatus();
                    })
                    .ok());
    EXPECT_EQ(doc.has_value(), i % 3 == 0) << i;
  }
}

TEST_F(PgStoreTest, RefusedStatementSentAheadFailsTheTransactionNotTheFunction) {
  PgStoreOptions options;
  options.writer.max_attempts = 3;
  auto store = Open(options);
  ASSERT_NE(store, nullptr);
  // Every commit marker is refused now: the deferred INSERT fails in front of fn's statement.
  Sql(url_,
      "ALTER TABLE chimed_commit_markers ADD CONSTRAINT refuse_all CHECK (token = '') "
      "NOT VALID");
  Status fn_saw;
  Status s = store->WriteAndWait([&](Tx& tx) {
    fn_saw = Increment(tx, "c");
    return fn_saw;
  });
  EXPECT_FALSE(fn_saw.ok());
  EXPECT_EQ(s.code(), Code::kUnavailable) << s.ToString();  // the writer's verdict, retried
  EXPECT_GE(store->stats().writer.failed_batches, 3);
  EXPECT_EQ(Counter(*store, "c"), 0);
  Sql(url_, "ALTER TABLE chimed_commit_markers DROP CONSTRAINT refuse_all");
  EXPECT_TRUE(store->WriteAndWait([](Tx& tx) { return Increment(tx, "c"); }).ok());
  EXPECT_EQ(Counter(*store, "c"), 1);
}

TEST_F(PgStoreTest, ReconnectsAfterTheServerDropsEveryConnection) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->WriteAndWait([](Tx& tx) { return Increment(tx, "c"); }).ok());
  ASSERT_EQ(Counter(*store, "c"), 1);
  // What a failover or a server restart does to established sessions.
  Sql(url_,
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
      "WHERE application_name = 'chimed' AND pid <> pg_backend_pid()");
  EXPECT_TRUE(store->WriteAndWait([](Tx& tx) { return Increment(tx, "c"); }).ok());
  EXPECT_EQ(Counter(*store, "c"), 2);
}

// Reads send BEGIN with their first statement and do not wait for COMMIT (pg_store.cc); a read
// of several statements must still see one snapshot.
TEST_F(PgStoreTest, ReadOfSeveralStatementsSeesOneSnapshot) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->WriteAndWait([](Tx& tx) { return Increment(tx, "c"); }).ok());
  int first = -1, second = -1;
  Status s = store->Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto doc, tx.GetDocument("counter", "c"));
    first = std::stoi(doc.value_or("0"));
    // Committed by the writer while this read is open: invisible to its snapshot.
    RETURN_IF_ERROR(store->WriteAndWait([](Tx& w) { return Increment(w, "c"); }));
    ASSIGN_OR_RETURN(doc, tx.GetDocument("counter", "c"));
    second = std::stoi(doc.value_or("0"));
    return OkStatus();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 1);
  EXPECT_EQ(Counter(*store, "c"), 2);
}

TEST_F(PgStoreTest, ReadsReuseOneConnectionAndSurviveItsDeath) {
  PgStoreOptions options;
  options.max_read_connections = 1;  // every read on the connection the previous one left
  auto store = Open(options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->WriteAndWait([](Tx& tx) { return Increment(tx, "c"); }).ok());
  for (int i = 0; i < 20; ++i) ASSERT_EQ(Counter(*store, "c"), 1) << i;
  // A read that runs no statement starts no transaction and leaves the connection usable.
  EXPECT_TRUE(store->Read([](Tx&) { return OkStatus(); }).ok());
  // A failed statement rolls the read back; the next read is unaffected.
  Status failed = store->Read([](Tx& tx) { return tx.ListRetiredPins("", 0).status(); });
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(Counter(*store, "c"), 1);
  // The idle connection dies (with its COMMIT's answer maybe still unread): the next read
  // replaces it without repeating anything.
  Sql(url_,
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
      "WHERE application_name = 'chimed' AND pid <> pg_backend_pid()");
  int runs = 0;
  int value = -1;
  Status s = store->Read([&](Tx& tx) -> Status {
    ++runs;
    ASSIGN_OR_RETURN(auto doc, tx.GetDocument("counter", "c"));
    value = std::stoi(doc.value_or("0"));
    return OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(value, 1);
  EXPECT_EQ(store->stats().read_connections, 1);
}

// Store::ReadAccessKey runs one statement without a transaction on a pooled connection: a
// connection that died idle is replaced as for any read, and nothing is left open.
TEST_F(PgStoreTest, AKeyReadReplacesADeadConnectionAndLeavesNoTransaction) {
  PgStoreOptions options;
  options.max_read_connections = 1;
  auto store = Open(options);
  ASSERT_NE(store, nullptr);
  AccessKeyRecord key;
  key.access_key_id = "AKIAREAD";
  key.encrypted_secret = "sealed";
  ASSERT_TRUE(store->WriteAndWait([&](Tx& tx) { return tx.InsertAccessKey(key); }).ok());
  for (int i = 0; i < 3; ++i) {
    auto read = store->ReadAccessKey("AKIAREAD");
    ASSERT_TRUE(read.ok() && read->has_value()) << i;
    EXPECT_EQ((*read)->encrypted_secret, "sealed");
  }
  EXPECT_EQ(Sql(url_,
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'chimed' "
                "AND state LIKE 'idle in transaction%'"),
            "0");
  Sql(url_,
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
      "WHERE application_name = 'chimed' AND pid <> pg_backend_pid()");
  auto read = store->ReadAccessKey("AKIAREAD");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_TRUE(read->has_value());
  read = store->ReadAccessKey("AKIANONE");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_FALSE(read->has_value());
  EXPECT_EQ(store->stats().read_connections, 1);
}

// During a failover a read can lose its connection and find no server to replace it with: it
// fails with kUnavailable, never touching the lost connection again (the pool has closed it;
// under ASan this was a use after free), and reads work again once a server is back.
TEST_F(PgStoreTest, AReadThatLosesItsConnectionAndFindsNoOtherFailsCleanly) {
  PgStoreOptions options;
  options.max_read_connections = 1;
  options.connect_timeout_s = 1;
  auto store = Open(options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->WriteAndWait([](Tx& tx) { return Increment(tx, "c"); }).ok());
  ASSERT_EQ(Counter(*store, "c"), 1);
  const std::string db = Sql(url_, "SELECT current_database()");
  const std::string admin = PgTestServer::Get().UrlFor("postgres");
  // No new connection to the database succeeds; the established ones die.
  Sql(admin, "ALTER DATABASE \"" + db + "\" WITH ALLOW_CONNECTIONS false");
  Sql(admin,
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
      "WHERE application_name = 'chimed'");
  Status lost = store->Read([](Tx& tx) { return tx.GetDocument("counter", "c").status(); });
  EXPECT_EQ(lost.code(), Code::kUnavailable) << lost.ToString();
  // Back: the next read connects afresh.
  Sql(admin, "ALTER DATABASE \"" + db + "\" WITH ALLOW_CONNECTIONS true");
  EXPECT_EQ(Counter(*store, "c"), 1);
}

TEST_F(PgStoreTest, ManyInstancesStartingTogetherMigrateOnce) {
  std::vector<std::future<StatusOr<std::unique_ptr<PgStore>>>> opening;
  for (int i = 0; i < 4; ++i) {
    opening.push_back(std::async(std::launch::async, [this] { return PgStore::Open(url_); }));
  }
  for (auto& f : opening) {
    auto store = f.get();
    EXPECT_TRUE(store.ok()) << store.status().ToString();
  }
  // Each migration recorded once.
  EXPECT_EQ(Sql(url_, "SELECT count(*) FROM schema_migrations"),
            std::to_string(LatestSchemaVersion()));
}

TEST_F(PgStoreTest, NoReachableServerIsUnavailableAndNamesNoHostOrPassword) {
  PgStoreOptions options;
  options.connect_timeout_s = 1;
  auto store = PgStore::Open("postgresql://u:sekrit@127.0.0.1:1/chimed", options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kUnavailable);
  EXPECT_EQ(store.status().message().find("127.0.0.1"), std::string::npos);
  EXPECT_EQ(store.status().message().find("sekrit"), std::string::npos);
}

TEST_F(PgStoreTest, RetiredPinIsRefusedByTheDatabaseItself) {
  // Bypasses the store's own check: the trigger is the last line of defence.
  auto store = Open();
  ASSERT_NE(store, nullptr);
  Sql(url_, "INSERT INTO retired_pins(pin, retired_ms) VALUES ('4444444441', 1)");
  Sql(url_,
      "INSERT INTO accounts(account_id, aws_account_id, name, account_type, created_ms, "
      "default_license, supported_licenses, status, signin_delegate_groups) "
      "VALUES ('a', '1', 'n', 'Team', 0, 'Pro', '[]', 'Active', '[]')");
  PGconn* conn = PQconnectdb(url_.c_str());
  PGresult* res = PQexec(conn,
                         "INSERT INTO users(user_id, account_id, primary_provisioned_number, "
                         "display_name, license_type, user_type, registration_status, pin) "
                         "VALUES ('u', 'a', '', '', 'Pro', 'PrivateUser', 'Registered', "
                         "'4444444441')");
  EXPECT_STREQ(PQresultErrorField(res, PG_DIAG_SQLSTATE), "23505");
  PQclear(res);
  PQfinish(conn);
}

// ResetPin under concurrency: what another transaction has not committed yet is invisible to
// the reset's snapshot, so the database must decide (pg_tx_reset_pin.cc).
class PgResetPinTest : public PgStoreTest {
 protected:
  void SetUp() override {
    PgStoreTest::SetUp();
    if (IsSkipped()) return;
    store_ = Open();
    ASSERT_NE(store_, nullptr);
    Sql(url_,
        "INSERT INTO accounts(account_id, aws_account_id, name, account_type, created_ms, "
        "default_license, supported_licenses, status, signin_delegate_groups) "
        "VALUES ('a', '1', 'n', 'Team', 0, 'Pro', '[]', 'Active', '[]')");
    Sql(url_,
        "INSERT INTO users(user_id, account_id, primary_provisioned_number, display_name, "
        "license_type, user_type, registration_status, pin) VALUES "
        "('u1', 'a', '', '', 'Pro', 'PrivateUser', 'Registered', '1111122222'), "
        "('u2', 'a', '', '', 'Pro', 'PrivateUser', 'Registered', '2222233333')");
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

  // Waits until a session (the reset) waits for a lock that `holder`'s session holds: so a test
  // knows the reset has reached the wait it means to exercise.
  void WaitUntilBlockedBy(PGconn* holder) {
    const std::string sql =
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND " +
        std::to_string(PQbackendPID(holder)) + " = ANY(pg_blocking_pids(pid))";
    for (int i = 0; i < 500; ++i) {
      if (Sql(url_, sql) == "1") return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL() << "nothing waited for the holder's locks within 5 s";
  }

  // Starts a reset of u1 whose candidates come from `script`: in a write function (fresh for
  // every run of fn), or, when `queued`, through Store::ResetPin (PgTx::ResetPins, one script
  // for all runs).
  std::future<StatusOr<model::User>> StartReset(std::deque<uint64_t> script, bool queued) {
    auto promise = std::make_shared<std::promise<StatusOr<model::User>>>();
    if (queued) {
      auto random = std::make_shared<chime::testing::ScriptedRandom>(script);
      store_->ResetPin(
          PinResetAudit{"r", "p", "a", "u1", 7}, *random,
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
    return Sql(url_, "SELECT string_agg(pin, ',' ORDER BY pin) FROM retired_pins");
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
    if (IsSkipped() || GetParam() != ResetPath::kQueued) return;
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
  // commits, the unique index no longer holds 2222233333, and under SERIALIZABLE the
  // retired-PIN trigger reads the reset's older snapshot; only the snapshot read of users
  // sees the PIN as taken.
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
// SERIALIZABLE transactions as chimed's writers are. The reset's snapshot sees the PIN free,
// and the retired-PIN trigger reads that snapshot too; what keeps the reset from issuing it
// is the unique index (the PIN is held when the reset writes) and SSI (which aborts one of the
// transactions whose reads the others' writes invalidate). Whichever loses, no PIN may end
// up both retired and held, nor held twice.
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
  EXPECT_EQ(Sql(url_, "SELECT count(*) FROM users u JOIN retired_pins r ON r.pin = u.pin"), "0");
  EXPECT_EQ(
      Sql(url_, "SELECT count(*) FROM users WHERE pin = '7777700001'"),
      Sql(url_, "SELECT count(*) FROM retired_pins WHERE pin = '7777700001'") == "1" ? "0" : "1");
}

// A concurrent reset of the same user, uncommitted: the reset waits for its row lock, then
// runs again and retires the PIN that reset set, not the one it read before.
TEST_P(PgResetRaceTest, ResetWaitingForAConcurrentResetRetiresThePinItSet) {
  Other("BEGIN");
  Other("UPDATE users SET pin = '8888800001' WHERE user_id = 'u1'");
  Other("INSERT INTO retired_pins(pin, retired_ms) VALUES ('1111122222', 1)");
  auto reset = StartReset({5555566666ULL, 5555577777ULL}, queued());
  WaitUntilBlockedBy(other_);
  Other("COMMIT");
  StatusOr<model::User> got = reset.get();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  // The reset was aborted (40001) and ran again: a write function with a fresh script, a
  // queued reset with the script's next candidate.
  EXPECT_EQ(got->personal_pin, queued() ? "5555577777" : "5555566666");
  EXPECT_EQ(Pin("u1"), got->personal_pin);
  EXPECT_EQ(RetiredPins(), "1111122222,8888800001");
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
    if (IsSkipped()) return;
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
  std::future<StatusOr<model::User>> QueueReset(const std::string& account_id,
                                                const std::string& user_id,
                                                chime::testing::ScriptedRandom& random) {
    auto promise = std::make_shared<std::promise<StatusOr<model::User>>>();
    store_->ResetPin(PinResetAudit{"r" + std::to_string(queued_++), "p", account_id, user_id, 7},
                     random,
                     [promise](StatusOr<model::User> got) { promise->set_value(std::move(got)); });
    return promise->get_future();
  }

  // Queues resets of (account, user) with candidates from one script, all in one batch.
  std::vector<StatusOr<model::User>> ResetTogether(
      const std::vector<std::pair<std::string, std::string>>& resets,
      chime::testing::ScriptedRandom& random) {
    HoldWriter();
    std::vector<std::future<StatusOr<model::User>>> pending;
    for (const auto& [account_id, user_id] : resets) {
      pending.push_back(QueueReset(account_id, user_id, random));
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

  std::promise<void> release_;
  int queued_ = 0;
  int fault_at_ = 0;  // set before SetUp to inject fault_ there
  CommitFault fault_ = CommitFault::kNone;
};

TEST_F(PgQueuedResetsTest, AGroupOfResetsGivesEachItsOwnOutcomeInOrder) {
  Sql(url_,
      "INSERT INTO users(user_id, account_id, primary_provisioned_number, display_name, "
      "license_type, user_type, registration_status, pin) VALUES "
      "('u3', 'a', '', '', 'Pro', 'PrivateUser', 'Unregistered', NULL)");
  // Candidates in the order the group draws them. First statement: u1 (draws u2's PIN: taken),
  // u2, u9 (missing), u3 (invited); then u1 again with a fresh candidate, and u2 in another
  // account; then u1's second reset, which finds the PIN its first one set.
  chime::testing::ScriptedRandom random({2222233333ULL, 5555500001ULL, 5555500003ULL, 5555500004ULL,
                                         5555500005ULL, 5555500006ULL, 5555500007ULL});
  auto got = ResetTogether(
      {{"a", "u1"}, {"a", "u2"}, {"a", "u1"}, {"a", "u9"}, {"a", "u3"}, {"b", "u2"}}, random);
  ASSERT_TRUE(got[0].ok()) << got[0].status().ToString();
  EXPECT_EQ(got[0]->personal_pin, "5555500005");
  ASSERT_TRUE(got[1].ok()) << got[1].status().ToString();
  EXPECT_EQ(got[1]->personal_pin, "5555500001");
  ASSERT_TRUE(got[2].ok()) << got[2].status().ToString();
  EXPECT_EQ(got[2]->personal_pin, "5555500007");
  EXPECT_EQ(got[3].status().code(), Code::kNotFound);
  EXPECT_EQ(got[4].status().code(), Code::kInvalidArgument);
  EXPECT_EQ(got[5].status().code(), Code::kNotFound);
  EXPECT_EQ(Pin("u1"), "5555500007");
  EXPECT_EQ(Pin("u2"), "5555500001");
  EXPECT_EQ(RetiredPins(), "1111122222,2222233333,5555500005");
  // Audit rows in the order the resets took effect: u1's first one needed a second candidate.
  EXPECT_EQ(AuditedRequests(), "r1,r0,r2");
  ExpectOneBatchOf(6);
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
  EXPECT_EQ(Sql(url_, "SELECT count(*) FROM retired_pins"), "2");
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
  Sql(url_,
      "INSERT INTO users(user_id, account_id, primary_provisioned_number, display_name, "
      "license_type, user_type, registration_status, pin) VALUES "
      "('u3', 'a', '', '', 'Pro', 'PrivateUser', 'Unregistered', NULL)");
  // The pipelined statement: u1 (draws u2's PIN: taken), u2, u9 (missing), u3 (invited); not
  // u1's second reset, nor u2 of account b (that user id is in it already). Then, in order:
  // u1, u9, u3 and b's u2 in one statement, u1's second reset in the next.
  chime::testing::ScriptedRandom random({2222233333ULL, 5555500001ULL, 5555500002ULL, 5555500003ULL,
                                         5555500004ULL, 5555500005ULL, 5555500006ULL, 5555500007ULL,
                                         5555500008ULL});
  auto got = ResetTogether(
      {{"a", "u1"}, {"a", "u2"}, {"a", "u1"}, {"a", "u9"}, {"a", "u3"}, {"b", "u2"}}, random);
  ASSERT_TRUE(got[0].ok()) << got[0].status().ToString();
  EXPECT_EQ(got[0]->personal_pin, "5555500004");
  ASSERT_TRUE(got[1].ok()) << got[1].status().ToString();
  EXPECT_EQ(got[1]->personal_pin, "5555500001");
  ASSERT_TRUE(got[2].ok()) << got[2].status().ToString();
  EXPECT_EQ(got[2]->personal_pin, "5555500008");
  EXPECT_EQ(got[3].status().code(), Code::kNotFound);
  EXPECT_EQ(got[4].status().code(), Code::kInvalidArgument);
  EXPECT_EQ(got[5].status().code(), Code::kNotFound);
  EXPECT_EQ(Pin("u1"), "5555500008");
  EXPECT_EQ(Pin("u2"), "5555500001");
  EXPECT_EQ(RetiredPins(), "1111122222,2222233333,5555500004");
  EXPECT_EQ(AuditedRequests(), "r1,r0,r2");
  EXPECT_EQ(MarkedResets(), "{2}");
  auto stats = store_->stats().writer;
  EXPECT_EQ(stats.largest_batch, 6);
  EXPECT_EQ(stats.retries, 0);
  EXPECT_EQ(stats.commits, 3);  // the holding write's, the pipelined one, the rest's
}

// The connection breaks after the pipeline went out and the transaction committed: neither the
// statement's answer nor COMMIT's arrives. The marker says it committed and which resets it
// did; those are answered from a read-back, never run twice, and the others run again.
class PgPipelinedLostAnswerTest : public PgPipelinedResetsTest {
 protected:
  void SetUp() override {
    fault_at_ = 2;  // the holding write commits first
    fault_ = CommitFault::kLoseAnswerAfterCommit;
    PgPipelinedResetsTest::SetUp();
  }
};

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

// The same break when the transaction did not commit (rolled back, or the connection dropped
// before anything was sent): nothing was done, and every reset runs again.
TEST_F(PgStoreTest, APipelinedBatchThatDidNotCommitRunsAgain) {
  for (CommitFault fault :
       {CommitFault::kLoseAnswerAfterRollback, CommitFault::kDropBeforeCommit}) {
    SCOPED_TRACE(static_cast<int>(fault));
    auto url = PgTestServer::Get().NewDatabase();
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    url_ = *url;
    auto store = OpenWithFault(fault);
    ASSERT_NE(store, nullptr);
    Sql(url_,
        "INSERT INTO accounts(account_id, aws_account_id, name, account_type, created_ms, "
        "default_license, supported_licenses, status, signin_delegate_groups) "
        "VALUES ('a', '1', 'n', 'Team', 0, 'Pro', '[]', 'Active', '[]')");
    Sql(url_,
        "INSERT INTO users(user_id, account_id, primary_provisioned_number, display_name, "
        "license_type, user_type, registration_status, pin) VALUES "
        "('u1', 'a', '', '', 'Pro', 'PrivateUser', 'Registered', '1111122222')");
    chime::testing::ScriptedRandom random({5555500001ULL, 5555500002ULL});
    std::promise<StatusOr<model::User>> promise;
    store->ResetPin(PinResetAudit{"r", "p", "a", "u1", 7}, random,
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

// Store::ReadAccessKey reads its row without a transaction; such a read may run one statement
// only, since a second would read another snapshot.
TEST_F(PgStoreTest, AOneStatementReadRunsNoTransactionAndRefusesASecondStatement) {
  ASSERT_NE(Open(), nullptr);  // the schema
  ConnectSettings settings;
  settings.url = url_;
  auto conn = PgConnection::Connect(settings);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  PgTx tx(**conn, DeferredBegin{"", nullptr});
  EXPECT_TRUE(tx.GetDocument("doc", "a").ok());
  EXPECT_EQ(tx.GetDocument("doc", "b").status().code(), Code::kInternal);
  // In a transaction begun earlier, now() would be that transaction's start.
  EXPECT_EQ((*conn)->QueryText("SELECT now() = statement_timestamp()", "test").value(), "t");
}

TEST(RedactUrlTest, HidesPasswords) {
  EXPECT_EQ(RedactUrl("postgresql://chimed:s3cret@db1:5432,db2:5432/chimed"),
            "postgresql://chimed:***@db1:5432,db2:5432/chimed");
  EXPECT_EQ(RedactUrl("postgresql://db1/chimed?user=c&password=s3cret&sslmode=require"),
            "postgresql://db1/chimed?user=c&password=***&sslmode=require");
  EXPECT_EQ(RedactUrl("host=db1 password=s3cret dbname=chimed"),
            "host=db1 password=*** dbname=chimed");
  EXPECT_EQ(RedactUrl("postgresql://chimed@db1/chimed"), "postgresql://chimed@db1/chimed");
}

}  // namespace
}  // namespace chime::store::postgres
