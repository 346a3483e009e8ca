// PostgreSQL-specific behaviour of PgStore, beyond the Store contract (store_contract_test.cc):
// interrupted COMMITs resolved, serializable retries across instances, reconnection,
// concurrent migrations, group commit, and what errors reveal. Resets: pg_reset_pin_test.cc.
#include "store/postgres/pg_store.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
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
#include "store/postgres/pg_store_test_support.h"
#include "store/postgres/pg_test_server.h"
#include "store/postgres/pg_tx.h"

namespace chime::store::postgres {
namespace {

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

// Brings the schema of the database at `url` to `version` and no further, as an older chimed
// left it.
void MigrateOnlyTo(const std::string& url, int version) {
  ConnectSettings settings;
  settings.url = url;
  auto conn = PgConnection::Connect(settings);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  ASSERT_TRUE(ApplyMigrations(**conn, version).ok());
}

// A batch slower than the threshold is logged with its size and retries; the next ones within
// 10 s are only counted.
TEST_F(PgStoreTest, SlowBatchesAreLoggedAtMostOncePerInterval) {
  PgStoreOptions options;
  options.writer.slow_write_warning_ms = 0;  // every batch is slow
  options.writer.threads = 2;                // one interval for all writers, not one each
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

// A test's outage of its database: no new connection succeeds and the established ones die
// (Begin) until End, which also runs however the test leaves. Declared after the store, so that
// connections are allowed again before the store closes (and resolves what it must).
class OutageGuard {
 public:
  OutageGuard(std::string admin, std::string db) : admin_(std::move(admin)), db_(std::move(db)) {}
  OutageGuard(const OutageGuard&) = delete;
  OutageGuard& operator=(const OutageGuard&) = delete;
  ~OutageGuard() { End(); }
  void Begin() const {
    Sql(admin_, "ALTER DATABASE \"" + db_ + "\" WITH ALLOW_CONNECTIONS false");
    Sql(admin_, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '" +
                    db_ + "' AND pid <> pg_backend_pid()");
  }
  void End() const { Sql(admin_, "ALTER DATABASE \"" + db_ + "\" WITH ALLOW_CONNECTIONS true"); }

 private:
  std::string admin_, db_;
};

// While a COMMIT's outcome is being resolved and no server is reachable, the writer thread
// keeps trying; the writes queued behind that batch must still get their 503 after the
// unavailable wait, not hang for as long as the outage lasts. The interrupted write itself
// waits for its outcome and then completes.
TEST_F(PgStoreTest, WritesQueuedBehindAnUnresolvedCommitFailAfterTheWaitNotTheOutage) {
  const std::string db = Sql(url_, "SELECT current_database()");
  const std::string admin = PgTestServer::Get().UrlFor("postgres");
  auto pending = std::make_shared<std::atomic<bool>>(true);
  auto outage = std::make_shared<std::promise<void>>();
  std::promise<Status> first_done, second_done;  // outlive the store, which answers them
  PgStoreOptions options;
  options.connect_timeout_s = 1;
  options.writer.threads = 1;  // so that nothing else can serve the queue
  options.writer.unavailable_wait_ms = 500;
  options.writer.commit_fault = [pending, outage, admin, db] {
    if (!pending->exchange(false)) return CommitFault::kNone;
    // The outage begins: no connection to the database succeeds until the test ends it.
    Sql(admin, "ALTER DATABASE \"" + db + "\" WITH ALLOW_CONNECTIONS false");
    outage->set_value();
    return CommitFault::kDropBeforeCommit;
  };
  auto store = Open(options);
  ASSERT_NE(store, nullptr);
  OutageGuard guard(admin, db);
  store->Write([](Tx& tx) { return Increment(tx, "c"); },
               [&](Status s) { first_done.set_value(std::move(s)); });
  // The first write is about to be in doubt (its connection drops where COMMIT would go).
  ASSERT_EQ(outage->get_future().wait_for(std::chrono::seconds(30)), std::future_status::ready);
  const auto queued = std::chrono::steady_clock::now();
  store->Write([](Tx& tx) { return Increment(tx, "c"); },
               [&](Status s) { second_done.set_value(std::move(s)); });
  auto second = second_done.get_future();
  ASSERT_EQ(second.wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << "a write queued behind an unresolved COMMIT waited for the whole outage";
  EXPECT_EQ(second.get().code(), Code::kUnavailable);
  EXPECT_GE(std::chrono::steady_clock::now() - queued, std::chrono::milliseconds(500));
  auto first = first_done.get_future();
  EXPECT_EQ(first.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout)
      << "the interrupted write was answered before its outcome was known";
  // The outage ends: the first write's COMMIT is found not to have happened, and it runs again.
  guard.End();
  ASSERT_EQ(first.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_TRUE(first.get().ok());
  EXPECT_EQ(Counter(*store, "c"), 1);  // the first write once, the second never
  EXPECT_EQ(store->stats().writer.resolved_aborted, 1);
}

// A write that queued while the batch ahead of it waited for a server gets its 503 the
// unavailable wait after it was queued, not after a wait of its own begun when the batch ahead
// gave up (which made it wait up to twice as long).
TEST_F(PgStoreTest, AWriteQueuedBehindABatchWaitingForAServerWaitsFromWhenItQueued) {
  constexpr auto kWait = std::chrono::milliseconds(2000);
  std::promise<Status> first_done, second_done;  // outlive the store, which answers them
  PgStoreOptions options;
  options.connect_timeout_s = 1;
  options.writer.threads = 1;  // the second write queues behind the first
  options.writer.unavailable_wait_ms = static_cast<int>(kWait.count());
  auto store = Open(options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->WriteAndWait([](Tx& tx) { return Increment(tx, "c"); }).ok());
  OutageGuard guard(PgTestServer::Get().UrlFor("postgres"), Sql(url_, "SELECT current_database()"));
  guard.Begin();
  store->Write([](Tx& tx) { return Increment(tx, "c"); },
               [&](Status s) { first_done.set_value(std::move(s)); });
  std::this_thread::sleep_for(kWait / 2);
  const auto queued = std::chrono::steady_clock::now();
  store->Write([](Tx& tx) { return Increment(tx, "c"); },
               [&](Status s) { second_done.set_value(std::move(s)); });
  auto second = second_done.get_future();
  ASSERT_EQ(second.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  const auto waited = std::chrono::steady_clock::now() - queued;
  EXPECT_EQ(second.get().code(), Code::kUnavailable);
  EXPECT_GE(waited, kWait);
  // Before, 1.5 x the wait; the margin is for connection attempts on a loaded machine.
  EXPECT_LT(waited, kWait * 13 / 10) << "the second write waited from when the first gave up";
  EXPECT_EQ(first_done.get_future().get().code(), Code::kUnavailable);
  guard.End();
  EXPECT_EQ(Counter(*store, "c"), 1);  // neither write happened
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

// The read pool is bounded: more concurrent reads than connections wait for one, and all of
// them complete.
TEST_F(PgStoreTest, ReadsBeyondThePoolWaitForAConnection) {
  PgStoreOptions options;
  options.max_read_connections = 2;
  auto store = Open(options);
  ASSERT_NE(store, nullptr);
  std::atomic<int> inside{0}, most{0};
  std::vector<std::future<Status>> reads;
  for (int i = 0; i < 6; ++i) {
    reads.push_back(std::async(std::launch::async, [&] {
      return store->Read([&](Tx& tx) -> Status {
        RETURN_IF_ERROR(tx.GetDocument("counter", "c").status());  // holds a connection now
        int now = ++inside;
        for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        --inside;
        return OkStatus();
      });
    }));
  }
  for (auto& r : reads) EXPECT_TRUE(r.get().ok());
  EXPECT_EQ(most.load(), 2);  // never more than the pool, and the pool was used in parallel
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
  OutageGuard outage(PgTestServer::Get().UrlFor("postgres"),
                     Sql(url_, "SELECT current_database()"));
  // No new connection to the database succeeds; the established ones die.
  outage.Begin();
  Status lost = store->Read([](Tx& tx) { return tx.GetDocument("counter", "c").status(); });
  EXPECT_EQ(lost.code(), Code::kUnavailable) << lost.ToString();
  // Back: the next read connects afresh.
  outage.End();
  EXPECT_EQ(Counter(*store, "c"), 1);
}

TEST_F(PgStoreTest, ManyInstancesStartingTogetherMigrateOnce) {
  chime::testing::CapturedStderr captured;
  std::vector<std::future<StatusOr<std::unique_ptr<PgStore>>>> opening;
  for (int i = 0; i < 4; ++i) {
    opening.push_back(std::async(std::launch::async, [this] { return PgStore::Open(url_); }));
  }
  for (auto& f : opening) {
    auto store = f.get();
    EXPECT_TRUE(store.ok()) << store.status().ToString();
  }
  // Every instance started, and each migration ran in exactly one of them.
  const std::string log = captured.Text();
  for (int version = 1; version <= LatestSchemaVersion(); ++version) {
    const std::string line = "applied schema migration " + std::to_string(version) + " (";
    size_t at = log.find(line);
    EXPECT_NE(at, std::string::npos) << line << " missing:\n" << log;
    if (at != std::string::npos) {
      EXPECT_EQ(log.find(line, at + 1), std::string::npos) << line << " twice:\n" << log;
    }
  }
}

// Migration 4 on a database an older chimed left: every PIN held or retired goes on the record
// of issued PINs, so that none of them is issued again, and the record grows with every PIN
// given from then on.
TEST_F(PgStoreTest, EveryPinHeldOrRetiredBeforeTheRecordOfIssuedPinsIsOnIt) {
  ASSERT_NO_FATAL_FAILURE(MigrateOnlyTo(url_, 3));
  AddAccountA(url_);
  AddUsersOfA(url_, "('u1', 'Registered', '1111122222'), ('u2', 'Unregistered', NULL)");
  Sql(url_, "INSERT INTO retired_pins(pin, retired_ms) VALUES ('3333344444', 1)");
  auto store = Open();  // migrates to the latest version
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(Sql(url_, "SELECT string_agg(pin, ',' ORDER BY pin) FROM issued_pins"),
            "1111122222,3333344444");
  for (const char* pin : {"1111122222", "3333344444"}) {
    bool taken = false;
    Status read = store->Read([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(taken, tx.PinTaken(pin));
      return OkStatus();
    });
    ASSERT_TRUE(read.ok()) << read.ToString();
    EXPECT_TRUE(taken) << pin;
  }
  // A PIN given now goes on the record, and stays there once given up even unretired; setting
  // a user's PIN to the one it holds is no issue.
  Sql(url_, "UPDATE users SET pin = '5555566666' WHERE user_id = 'u2'");
  Sql(url_, "UPDATE users SET pin = '5555577777' WHERE user_id = 'u2'");
  Sql(url_, "UPDATE users SET pin = pin, display_name = 'x' WHERE user_id = 'u1'");
  EXPECT_EQ(Sql(url_, "SELECT count(*) FROM issued_pins"), "4");
  // None of the PINs on record may be given to a user, whoever writes: the record refuses it.
  PGconn* raw = PQconnectdb(url_.c_str());
  ASSERT_EQ(PQstatus(raw), CONNECTION_OK) << PQerrorMessage(raw);
  for (const char* pin : {"1111122222", "3333344444", "5555566666"}) {
    PGresult* res = PQexec(
        raw, ("UPDATE users SET pin = '" + std::string(pin) + "' WHERE user_id = 'u2'").c_str());
    EXPECT_STREQ(PQresultErrorField(res, PG_DIAG_SQLSTATE), "23505") << pin;
    const char* constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
    EXPECT_STREQ(constraint != nullptr ? constraint : "", "issued_pins_pkey") << pin;
    PQclear(res);
  }
  PQfinish(raw);
}

// Migration 5: without the index on users.pin, giving a user a PIN changes none of the
// table's indexed columns, so PostgreSQL updates the row in place (a HOT update, counted in
// the transaction's statistics). The record of issued PINs still refuses one another user
// holds (above).
TEST_F(PgStoreTest, GivingAUserAPinUpdatesItsRowInPlace) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  AddAccountA(url_);
  AddUsersOfA(url_, "('u1', 'Registered', '1111122222')");
  EXPECT_EQ(Sql(url_,
                "SELECT count(*) FROM pg_indexes WHERE tablename = 'users' "
                "AND indexdef LIKE '%(pin)%'"),
            "0");
  EXPECT_EQ(Sql(url_,
                "UPDATE users SET pin = '5555566666' WHERE user_id = 'u1'; "
                "SELECT pg_stat_get_xact_tuples_hot_updated('users'::regclass)"),
            "1");
  EXPECT_EQ(Sql(url_, "SELECT pin FROM users WHERE user_id = 'u1'"), "5555566666");
}

// Migration 6 on a database an older chimed left: the PINs it retired stay listed. A reset now
// records the PIN it retires on its audit row instead of inserting it into retired_pins, and
// the list of retired PINs, all_retired_pins and the counts have both.
TEST_F(PgStoreTest, AResetRecordsThePinItRetiresOnItsAuditRow) {
  ASSERT_NO_FATAL_FAILURE(MigrateOnlyTo(url_, 5));
  AddAccountA(url_);
  AddUsersOfA(url_, "('u1', 'Registered', '5555500000')");
  Sql(url_, "INSERT INTO retired_pins(pin, retired_ms) VALUES ('3333344444', 1)");
  Sql(url_,
      "INSERT INTO pin_reset_audit(request_id, principal, account_id, user_id, at_ms) "
      "VALUES ('older', 'AKIAOLD', 'a', 'u1', 1)");
  auto store = Open();  // migrates to the latest version
  ASSERT_NE(store, nullptr);
  Status reset = store->WriteAndWait([](Tx& tx) -> Status {
    chime::testing::ScriptedRandom random({1111122222ULL});
    return tx.ResetPin(PinResetAudit{"req-1", "AKIAEXAMPLE", "a", "u1", 42}, random, 8).status();
  });
  ASSERT_TRUE(reset.ok()) << reset.ToString();
  EXPECT_EQ(Sql(url_,
                "SELECT string_agg(request_id || ':' || coalesce(retired_pin, '-'), ',' "
                "ORDER BY id) FROM pin_reset_audit"),
            "older:-,req-1:5555500000");
  EXPECT_EQ(Sql(url_, "SELECT string_agg(pin, ',') FROM retired_pins"), "3333344444");
  EXPECT_EQ(Sql(url_,
                "SELECT string_agg(pin || '@' || retired_ms, ',' ORDER BY pin) "
                "FROM all_retired_pins"),
            "3333344444@1,5555500000@42");
  std::vector<RetiredPin> listed;
  RowCounts counts;
  Status read = store->Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(listed, tx.ListRetiredPins("", 10));
    ASSIGN_OR_RETURN(counts, tx.CountRows());
    return OkStatus();
  });
  ASSERT_TRUE(read.ok()) << read.ToString();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].pin, "3333344444");
  EXPECT_EQ(listed[0].retired_ms, 1);
  EXPECT_EQ(listed[1].pin, "5555500000");
  EXPECT_EQ(listed[1].retired_ms, 42);
  EXPECT_EQ(counts.retired_pins, 2);
  EXPECT_EQ(counts.pin_reset_audits, 2);
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
  AddAccountA(url_);
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

// A server that ends an idle session sends its reason and then closes; reading without waiting
// may bring the reason but not the close. Alive must call such a connection dead: a batch sent
// on it could not be told apart from one the server ran before its answer was lost.
TEST_F(PgStoreTest, AConnectionTheServerEndedWhileIdleIsNotAlive) {
  ConnectSettings settings;
  settings.url = url_;
  settings.application_name = "chimed-alive-test";
  auto conn = PgConnection::Connect(settings);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  EXPECT_TRUE((*conn)->Alive());
  const std::string pid = std::to_string(PQbackendPID((*conn)->native()));
  // Waits (up to 5 s) until the backend has exited: its reason and its close have been sent.
  ASSERT_EQ(Sql(url_, "SELECT pg_terminate_backend(" + pid + ", 5000)"), "t");
  EXPECT_FALSE((*conn)->Alive());
  EXPECT_TRUE((*conn)->broken());
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
