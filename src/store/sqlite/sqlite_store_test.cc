// What only the SQLite store promises beyond the Store contract: group commit, savepoint
// isolation inside a batch, durability across reopen, file modes, migrations, shutdown, and
// snapshot reads under concurrent writes. Run with and without the background checkpointer.
#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <ostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/testing/captured_stderr.h"
#include "common/testing/scripted_random.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_error.h"
#include "store/sqlite/sqlite_tx.h"
#include "store/sqlite/test_behind_the_store.h"
#include "store/sqlite/test_temp_dir.h"

namespace chime::store::sqlite {
namespace {

struct Variant {
  std::string name;
  int checkpoint_interval_ms;
};

void PrintTo(const Variant& v, std::ostream* os) { *os << v.name; }

model::Account MakeAccount(const std::string& id) {
  model::Account a;
  a.account_id = id;
  a.aws_account_id = "123456789012";
  a.name = "Account " + id;
  return a;
}

model::User MakeUser(const std::string& account_id, const std::string& id,
                     const std::string& pin = "") {
  model::User u;
  u.account_id = account_id;
  u.user_id = id;
  u.primary_email = id + "@example.com";
  u.personal_pin = pin;
  return u;
}

// Collects the statuses of asynchronous writes and lets a test wait for all of them.
class Completions {
 public:
  DoneFn Slot(size_t index) {
    std::lock_guard<std::mutex> lock(mu_);
    if (statuses_.size() <= index) statuses_.resize(index + 1);
    ++pending_;
    return [this, index](Status s) {
      std::lock_guard<std::mutex> lock(mu_);
      statuses_[index] = std::move(s);
      if (--pending_ == 0) cv_.notify_all();
    };
  }
  std::vector<Status> Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return pending_ == 0; });
    return statuses_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Status> statuses_;
  int pending_ = 0;
};

class SqliteStoreTest : public ::testing::TestWithParam<Variant> {
 protected:
  void SetUp() override { ASSERT_FALSE(dir_.path().empty()); }

  SqliteStore::Options Opts() const {
    SqliteStore::Options o;
    o.checkpoint_interval_ms = GetParam().checkpoint_interval_ms;
    return o;
  }
  std::unique_ptr<SqliteStore> OpenStore(SqliteStore::Options o) {
    auto opened = SqliteStore::Open(path_, o);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(opened).value() : nullptr;
  }
  std::unique_ptr<SqliteStore> OpenStore() { return OpenStore(Opts()); }

  // Occupies the writer with a function that waits for ReleaseWriter(), so that everything
  // written meanwhile queues up and lands in the next batch: group commit made deterministic.
  // The holder's own batch commits after the writes are queued, so it counts in the deltas.
  void HoldWriter(SqliteStore& store) {
    std::promise<void> started;
    auto started_future = started.get_future();
    store.Write(
        [this, &started](Tx&) {
          started.set_value();
          gate_future_.wait();
          return OkStatus();
        },
        holder_done_.Slot(0));
    started_future.wait();
  }
  void ReleaseWriter() {
    gate_.set_value();
    holder_done_.Wait();
  }

  bool AccountExists(Store& store, const std::string& id) {
    bool exists = false;
    EXPECT_TRUE(store
                    .Read([&](Tx& tx) {
                      exists = tx.GetAccount(id).ok();
                      return OkStatus();
                    })
                    .ok());
    return exists;
  }

  TempDir dir_;
  std::string path_ = dir_.File("chimed.db");
  std::promise<void> gate_;
  std::shared_future<void> gate_future_ = gate_.get_future().share();
  Completions holder_done_;
};

TEST_P(SqliteStoreTest, QueuedWritesCommitTogether) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  HoldWriter(*store);
  const int64_t commits_before = store->stats().commits;

  Completions done;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < 200; i += 8) {
        std::string id = "acc-" + std::to_string(i);
        store->Write([id](Tx& tx) { return tx.InsertAccount(MakeAccount(id)); }, done.Slot(i));
      }
    });
  }
  for (auto& t : threads) t.join();
  ReleaseWriter();
  std::vector<Status> statuses = done.Wait();

  ASSERT_EQ(statuses.size(), 200u);
  for (const Status& s : statuses) EXPECT_TRUE(s.ok()) << s.ToString();
  SqliteStoreStats stats = store->stats();
  // One commit for the holder's batch (still open when counted), one for all 200 writes.
  EXPECT_EQ(stats.commits - commits_before, 2);
  EXPECT_EQ(stats.largest_batch, 200);
  EXPECT_TRUE(AccountExists(*store, "acc-0"));
  EXPECT_TRUE(AccountExists(*store, "acc-199"));
}

TEST_P(SqliteStoreTest, BatchSizeIsBounded) {
  SqliteStore::Options o = Opts();
  o.max_batch = 10;
  auto store = OpenStore(o);
  ASSERT_NE(store, nullptr);
  HoldWriter(*store);
  const int64_t commits_before = store->stats().commits;
  Completions done;
  for (int i = 0; i < 35; ++i) {
    std::string id = "acc-" + std::to_string(i);
    store->Write([id](Tx& tx) { return tx.InsertAccount(MakeAccount(id)); }, done.Slot(i));
  }
  ReleaseWriter();
  for (const Status& s : done.Wait()) EXPECT_TRUE(s.ok());
  EXPECT_EQ(store->stats().commits - commits_before, 1 + 4);  // holder, then 10 + 10 + 10 + 5
  EXPECT_EQ(store->stats().largest_batch, 10);
}

TEST_P(SqliteStoreTest, FailingFunctionRollsBackOnlyItsOwnEffects) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  HoldWriter(*store);
  const int64_t commits_before = store->stats().commits;
  Completions done;
  store->Write([](Tx& tx) { return tx.InsertAccount(MakeAccount("a")); }, done.Slot(0));
  store->Write(
      [](Tx& tx) {
        RETURN_IF_ERROR(tx.InsertAccount(MakeAccount("b")));
        return Unprocessable("b changed its mind");
      },
      done.Slot(1));
  store->Write(
      [](Tx& tx) -> Status {
        (void)tx.InsertAccount(MakeAccount("c"));
        throw std::logic_error("c broke");
      },
      done.Slot(2));
  store->Write(
      [](Tx& tx) {
        RETURN_IF_ERROR(tx.InsertAccount(MakeAccount("d")));
        return tx.InsertAccount(MakeAccount("a"));  // conflicts with the first function
      },
      done.Slot(3));
  store->Write([](Tx& tx) { return tx.InsertAccount(MakeAccount("e")); }, done.Slot(4));
  ReleaseWriter();
  std::vector<Status> s = done.Wait();

  EXPECT_TRUE(s[0].ok());
  EXPECT_EQ(s[1], Unprocessable("b changed its mind"));
  EXPECT_EQ(s[2], InternalError());
  EXPECT_EQ(s[3].code(), Code::kConflict);
  EXPECT_TRUE(s[4].ok());
  EXPECT_EQ(store->stats().commits - commits_before, 1 + 1);  // the holder's, then one batch
  EXPECT_TRUE(AccountExists(*store, "a"));
  EXPECT_FALSE(AccountExists(*store, "b"));
  EXPECT_FALSE(AccountExists(*store, "c"));
  EXPECT_FALSE(AccountExists(*store, "d"));
  EXPECT_TRUE(AccountExists(*store, "e"));
}

TEST_P(SqliteStoreTest, DataSurvivesCloseAndReopen) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store
                    ->WriteAndWait([](Tx& tx) {
                      RETURN_IF_ERROR(tx.InsertAccount(MakeAccount("a")));
                      RETURN_IF_ERROR(tx.InsertUser(MakeUser("a", "u", "1212121213")));
                      RETURN_IF_ERROR(tx.RetirePin("3434343435", 1));
                      return tx.PutDocument("k", "a", "{}");
                    })
                    .ok());
  }  // the destructor closes
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  Status s = store->Read([](Tx& tx) {
    ASSIGN_OR_RETURN(model::User u, tx.GetUser("a", "u"));
    EXPECT_EQ(u.personal_pin, "1212121213");
    ASSIGN_OR_RETURN(bool retired, tx.PinTaken("3434343435"));
    EXPECT_TRUE(retired);
    ASSIGN_OR_RETURN(auto doc, tx.GetDocument("k", "a"));
    EXPECT_EQ(doc, "{}");
    return OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_P(SqliteStoreTest, FilesAreOwnerOnlyWhateverTheUmask) {
  mode_t old_umask = ::umask(0);
  auto store = OpenStore();
  ::umask(old_umask);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->WriteAndWait([](Tx& tx) { return tx.InsertAccount(MakeAccount("a")); }).ok());
  for (const char* suffix : {"", "-wal", "-shm"}) {
    struct stat st {};
    ASSERT_EQ(::stat((path_ + suffix).c_str(), &st), 0) << suffix;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << "file chimed.db" << suffix;
  }
}

// Reads schema_migrations with a connection of the test's own.
std::vector<int> AppliedVersions(const std::string& path) {
  std::vector<int> versions;
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT version FROM schema_migrations ORDER BY version", -1,
                               &stmt, nullptr),
            SQLITE_OK);
  while (sqlite3_step(stmt) == SQLITE_ROW) versions.push_back(sqlite3_column_int(stmt, 0));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return versions;
}

std::vector<int> AllVersions() {
  std::vector<int> all;
  for (int v = 1; v <= LatestSchemaVersion(); ++v) all.push_back(v);
  return all;
}

TEST_P(SqliteStoreTest, MigrationsApplyOnceAcrossReopens) {
  const std::vector<int> all = AllVersions();
  for (int round = 0; round < 3; ++round) {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    std::string id = "a" + std::to_string(round);
    ASSERT_TRUE(
        store->WriteAndWait([&](Tx& tx) { return tx.InsertAccount(MakeAccount(id)); }).ok());
    store->Close();
    EXPECT_EQ(AppliedVersions(path_), all) << "round " << round;
  }
}

// Migration 2 on a database made before it: the per-user audit index goes, the audit stays.
TEST_P(SqliteStoreTest, AVersionOneDatabaseLosesTheAuditIndexAndKeepsItsAudit) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store
                    ->WriteAndWait([](Tx& tx) {
                      return tx.InsertPinResetAudit(PinResetAudit{"r1", "p", "acc", "u", 1});
                    })
                    .ok());
    store->Close();
  }
  RewindToSchemaVersionOne(path_);
  ASSERT_EQ(AppliedVersions(path_), std::vector<int>{1});

  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(AppliedVersions(path_), AllVersions());
  EXPECT_EQ(QueryBehindTheStore(path_,
                                "SELECT count(*) FROM sqlite_schema "
                                "WHERE name = 'pin_reset_audit_user'"),
            0);
  int64_t audits = -1;
  ASSERT_TRUE(store
                  ->Read([&](Tx& tx) -> Status {
                    ASSIGN_OR_RETURN(audits, tx.CountPinResetAudits("acc", "u"));
                    return OkStatus();
                  })
                  .ok());
  EXPECT_EQ(audits, 1);
}

TEST_P(SqliteStoreTest, RefusesDatabaseFromNewerSchema) {
  OpenStore().reset();
  ExecBehindTheStore(path_,
                     "INSERT INTO schema_migrations(version, name, applied_ms) "
                     "VALUES (9999, 'from the future', 0)");
  auto opened = SqliteStore::Open(path_, Opts());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), Code::kInternal);
  EXPECT_NE(opened.status().message().find("newer"), std::string::npos);
}

TEST_P(SqliteStoreTest, BadPathsAreRefused) {
  EXPECT_EQ(SqliteStore::Open("", Opts()).status().code(), Code::kInvalidArgument);
  auto missing_dir = SqliteStore::Open(dir_.File("no/such/dir.db"), Opts());
  EXPECT_EQ(missing_dir.status().code(), Code::kUnavailable);
  EXPECT_EQ(missing_dir.status().message(), kUnavailableMessage);  // no path in the message
}

TEST_P(SqliteStoreTest, ReadAndWriteAfterCloseAreUnavailable) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  store->Close();
  Status w = store->WriteAndWait([](Tx& tx) { return tx.InsertAccount(MakeAccount("a")); });
  EXPECT_EQ(w, UnavailableError());
  EXPECT_EQ(w.retry_after_ms(), 1000);
  EXPECT_EQ(store->Read([](Tx&) { return OkStatus(); }), UnavailableError());
}

TEST_P(SqliteStoreTest, CloseCommitsQueuedWritesFirst) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  HoldWriter(*store);
  Completions done;
  for (int i = 0; i < 50; ++i) {
    std::string id = "acc-" + std::to_string(i);
    store->Write([id](Tx& tx) { return tx.InsertAccount(MakeAccount(id)); }, done.Slot(i));
  }
  std::thread closer([&] { store->Close(); });
  ReleaseWriter();
  closer.join();
  for (const Status& s : done.Wait()) EXPECT_TRUE(s.ok()) << s.ToString();
  store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(AccountExists(*store, "acc-49"));
}

// Each write adds a user and sets a counter document to the user count in the same
// transaction; a reader that ever saw them disagree would have read across two snapshots.
TEST_P(SqliteStoreTest, ReadersSeeConsistentSnapshotsWhileWriting) {
  SqliteStore::Options o = Opts();
  o.max_read_connections = 2;
  auto store = OpenStore(o);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->WriteAndWait([](Tx& tx) { return tx.InsertAccount(MakeAccount("a")); }).ok());

  std::atomic<bool> writing{true};
  std::atomic<int> inside{0};
  std::atomic<int> most_inside{0};
  std::atomic<int> reads{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      while (writing.load() || reads.load() < 8) {
        Status s = store->Read([&](Tx& tx) {
          int now = ++inside;
          int seen = most_inside.load();
          while (now > seen && !most_inside.compare_exchange_weak(seen, now)) {
          }
          ASSIGN_OR_RETURN(auto counter, tx.GetDocument("counter", "a"));
          UserQuery q;
          q.account_id = "a";
          q.limit = 1000;
          ASSIGN_OR_RETURN(auto page, tx.ListUsers(q));
          EXPECT_EQ(counter.value_or("0"), std::to_string(page.items.size()));
          --inside;
          return OkStatus();
        });
        EXPECT_TRUE(s.ok()) << s.ToString();
        ++reads;
      }
    });
  }
  for (int i = 0; i < 100; ++i) {
    Status s = store->WriteAndWait([i](Tx& tx) {
      RETURN_IF_ERROR(tx.InsertUser(MakeUser("a", "u" + std::to_string(i))));
      return tx.PutDocument("counter", "a", std::to_string(i + 1));
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  writing = false;
  for (auto& t : readers) t.join();
  EXPECT_LE(most_inside.load(), 2);
  EXPECT_LE(store->stats().read_connections, 2);
}

// max_page_count makes SQLite answer SQLITE_FULL exactly as a full disk would.
TEST_P(SqliteStoreTest, FullDatabaseIsUnavailableWithoutDetails) {
  SqliteStore::Options o = Opts();
  o.max_page_count = 64;
  auto store = OpenStore(o);
  ASSERT_NE(store, nullptr);
  const std::string big(1 << 20, 'x');
  Status full = store->WriteAndWait([&](Tx& tx) {
    RETURN_IF_ERROR(tx.InsertAccount(MakeAccount("lost")));
    return tx.PutDocument("big", "k", big);
  });
  EXPECT_EQ(full, UnavailableError());
  EXPECT_FALSE(AccountExists(*store, "lost"));
  // The store recovers: small writes still fit.
  EXPECT_TRUE(store->WriteAndWait([](Tx& tx) { return tx.InsertAccount(MakeAccount("a")); }).ok());
  EXPECT_TRUE(AccountExists(*store, "a"));
}

// SQLite rolls the whole transaction back on SQLITE_FULL, taking the batch's earlier
// functions with it: they must hear kUnavailable, not OK, and later ones must not run.
TEST_P(SqliteStoreTest, AbortedBatchFailsEveryFunctionInIt) {
  SqliteStore::Options o = Opts();
  o.max_page_count = 64;
  auto store = OpenStore(o);
  ASSERT_NE(store, nullptr);
  HoldWriter(*store);
  const int64_t failed_before = store->stats().failed_batches;
  Completions done;
  const std::string big(1 << 20, 'x');
  bool third_ran = false;
  store->Write([](Tx& tx) { return tx.InsertAccount(MakeAccount("before")); }, done.Slot(0));
  store->Write([&](Tx& tx) { return tx.PutDocument("big", "k", big); }, done.Slot(1));
  store->Write(
      [&](Tx& tx) {
        third_ran = true;
        return tx.InsertAccount(MakeAccount("after"));
      },
      done.Slot(2));
  ReleaseWriter();
  std::vector<Status> s = done.Wait();
  for (const Status& status : s) EXPECT_EQ(status, UnavailableError());
  EXPECT_FALSE(third_ran);
  EXPECT_EQ(store->stats().failed_batches - failed_before, 1);
  EXPECT_FALSE(AccountExists(*store, "before"));
  EXPECT_FALSE(AccountExists(*store, "after"));
  EXPECT_TRUE(store->WriteAndWait([](Tx& tx) { return tx.InsertAccount(MakeAccount("a")); }).ok());
}

int PageSize(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &stmt, nullptr), SQLITE_OK);
  int size = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : -1;
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return size;
}

// A batch slower than the threshold is logged, with its size and its COMMIT's share; others
// within the next 10 s are only counted (a slow disk must not flood the log).
TEST_P(SqliteStoreTest, SlowBatchesAreLoggedAtMostOncePerInterval) {
  SqliteStore::Options o = Opts();
  o.slow_write_warning_ms = 0;  // every batch is slow
  auto store = OpenStore(o);
  ASSERT_NE(store, nullptr);
  chime::testing::CapturedStderr captured;
  for (const char* id : {"a", "b", "c"}) {
    ASSERT_TRUE(
        store->WriteAndWait([&](Tx& tx) { return tx.InsertAccount(MakeAccount(id)); }).ok());
  }
  const std::string text = captured.Text();
  const std::string line = "store write batch took ";
  auto at = text.find(line);
  ASSERT_NE(at, std::string::npos) << text;
  EXPECT_NE(text.find("(1 write; COMMIT with its fsync ", at), std::string::npos) << text;
  EXPECT_NE(text.find("over the 0 ms warning threshold", at), std::string::npos) << text;
  EXPECT_EQ(text.find(line, at + 1), std::string::npos) << "a second line within 10 s:\n" << text;
}

// The page size applies to a database Open creates; one created with another size (an older
// chimed's) keeps its own and works as before.
TEST_P(SqliteStoreTest, PageSizeAppliesToNewDatabasesOnly) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
  }
  EXPECT_EQ(PageSize(path_), SqliteStore::Options().new_database_page_size);

  const std::string old_path = dir_.File("old.db");
  SqliteStore::Options o = Opts();
  o.new_database_page_size = 8192;  // any size other than the default
  {
    auto created = SqliteStore::Open(old_path, o);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    ASSERT_TRUE((*created)
                    ->WriteAndWait([](Tx& tx) { return tx.InsertAccount(MakeAccount("kept")); })
                    .ok());
  }
  ASSERT_EQ(PageSize(old_path), 8192);
  auto reopened = SqliteStore::Open(old_path, Opts());
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_TRUE(AccountExists(**reopened, "kept"));
  EXPECT_TRUE(
      (*reopened)->WriteAndWait([](Tx& tx) { return tx.InsertAccount(MakeAccount("new")); }).ok());
  EXPECT_TRUE(AccountExists(**reopened, "new"));
  (*reopened)->Close();
  EXPECT_EQ(PageSize(old_path), 8192);
}

// ResetPin runs several statements; when a late one fails (here the audit INSERT, refused by a
// trigger standing in for a full disk), the earlier ones must be undone even for a caller that
// swallows the error and commits the rest of its function.
TEST_P(SqliteStoreTest, ResetPinFailingLateWritesNothingEvenIfTheCallerGoesOn) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store
                    ->WriteAndWait([](Tx& tx) {
                      RETURN_IF_ERROR(tx.InsertAccount(MakeAccount("acc")));
                      model::User u = MakeUser("acc", "u", "1111122222");
                      u.registration_status = model::RegistrationStatus::kRegistered;
                      return tx.InsertUser(u);
                    })
                    .ok());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TRIGGER no_audit BEFORE INSERT ON pin_reset_audit "
                         "BEGIN SELECT RAISE(ABORT, 'refused'); END",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  Status reset = OkStatus();
  ASSERT_TRUE(store
                  ->WriteAndWait([&](Tx& tx) {
                    chime::testing::ScriptedRandom random({7777788888ULL});
                    reset = tx.ResetPin(PinResetAudit{"r", "p", "acc", "u", 1}, random).status();
                    return tx.InsertAccount(MakeAccount("later"));  // goes on regardless
                  })
                  .ok());
  EXPECT_FALSE(reset.ok());
  EXPECT_TRUE(AccountExists(*store, "later"));
  ASSERT_TRUE(store
                  ->Read([](Tx& tx) {
                    ASSIGN_OR_RETURN(model::User u, tx.GetUser("acc", "u"));
                    EXPECT_EQ(u.personal_pin, "1111122222");
                    ASSIGN_OR_RETURN(bool taken, tx.PinTaken("7777788888"));
                    EXPECT_FALSE(taken);
                    ASSIGN_OR_RETURN(auto retired, tx.ListRetiredPins("", 10));
                    EXPECT_TRUE(retired.empty());
                    return OkStatus();
                  })
                  .ok());
}

// Store::ShareReads: the calling thread's reads share one snapshot and one connection until
// the scope ends; other threads, and this thread afterwards, see what committed meanwhile.
TEST_P(SqliteStoreTest, SharedReadsSeeOneSnapshotOnOneConnection) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->WriteAndWait([](Tx& tx) { return tx.PutDocument("d", "k", "\"1\""); }).ok());
  auto read = [&](Store& s) {
    std::string value;
    EXPECT_TRUE(s.Read([&](Tx& tx) {
                   ASSIGN_OR_RETURN(auto doc, tx.GetDocument("d", "k"));
                   value = doc.value_or("(none)");
                   return OkStatus();
                 }).ok());
    return value;
  };
  {
    auto shared = store->ShareReads();
    ASSERT_NE(shared, nullptr);
    EXPECT_EQ(store->ShareReads(), nullptr) << "this thread already shares this store's reads";
    EXPECT_EQ(read(*store), "\"1\"");
    // Committed by the writer thread while the scope is open.
    ASSERT_TRUE(store->WriteAndWait([](Tx& tx) { return tx.PutDocument("d", "k", "\"2\""); }).ok());
    EXPECT_EQ(read(*store), "\"1\"") << "a shared read saw a newer snapshot";
    std::string other_thread;
    std::thread([&] { other_thread = read(*store); }).join();
    EXPECT_EQ(other_thread, "\"2\"");
    // A failing or throwing function costs its own read only.
    EXPECT_EQ(store->Read([](Tx&) { return NotFound("x"); }).code(), Code::kNotFound);
    EXPECT_EQ(store->Read([](Tx&) -> Status { throw std::runtime_error("bug"); }).code(),
              Code::kInternal);
    EXPECT_EQ(read(*store), "\"1\"");
    // The scope's connection plus the other thread's, which went back to the pool.
    EXPECT_EQ(store->stats().read_connections, 2);
  }
  EXPECT_EQ(read(*store), "\"2\"");
  EXPECT_EQ(store->stats().read_connections, 2) << "the scope's connection was not given back";
}

// A scope of one store leaves another store's reads alone, and Close() waits for a scope's
// connection like for any reader.
TEST_P(SqliteStoreTest, SharedReadsBelongToOneStore) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  TempDir other_dir;
  auto other = SqliteStore::Open(other_dir.File("other.db"), Opts());
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(store->WriteAndWait([](Tx& tx) { return tx.InsertAccount(MakeAccount("a")); }).ok());
  auto shared = store->ShareReads();
  ASSERT_NE(shared, nullptr);
  EXPECT_TRUE(AccountExists(*store, "a"));
  EXPECT_FALSE(AccountExists(**other, "a"));
  ASSERT_TRUE(
      (*other)->WriteAndWait([](Tx& tx) { return tx.InsertAccount(MakeAccount("a")); }).ok());
  EXPECT_TRUE(AccountExists(**other, "a")) << "the other store's read used this store's snapshot";
  auto other_shared = (*other)->ShareReads();
  EXPECT_NE(other_shared, nullptr);
  other_shared.reset();
  std::atomic<bool> closed{false};
  std::thread closer([&] {
    store->Close();
    closed = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(closed.load()) << "Close() did not wait for the scope's connection";
  shared.reset();
  closer.join();
  EXPECT_TRUE(closed.load());
}

// A read connection reuses an access-key row while nothing is committed (key_row_cache.h),
// and sees every change at once, including one made by another process (`chimed keys`).
TEST_P(SqliteStoreTest, AccessKeyRowsAreReusedOnlyWhileNothingChanged) {
  SqliteStore::Options o = Opts();
  o.max_read_connections = 1;  // every Read on the same connection, and so the same cache
  auto store = OpenStore(o);
  ASSERT_NE(store, nullptr);
  AccessKeyRecord key;
  key.access_key_id = "AKIAEXAMPLEKEY000001";
  key.name = "k";
  key.encrypted_secret = "sealed";
  key.policy_json = "{}";
  ASSERT_TRUE(store->WriteAndWait([&](Tx& tx) { return tx.InsertAccessKey(key); }).ok());
  auto read_key = [&]() -> StatusOr<AccessKeyRecord> {
    StatusOr<AccessKeyRecord> got = NotFound("unread");
    Status s = store->Read([&](Tx& tx) {
      got = tx.GetAccessKey(key.access_key_id);
      return OkStatus();
    });
    if (!s.ok()) return s;
    return got;
  };
  // How often the connection ran the key's SELECT: the cache's hits are the runs it saved.
  auto selects = [&]() {
    int runs = -1;
    EXPECT_TRUE(store
                    ->Read([&](Tx& tx) {
                      sqlite3* db = static_cast<SqliteTx&>(tx).connection().raw();
                      runs = 0;
                      for (sqlite3_stmt* st = sqlite3_next_stmt(db, nullptr); st != nullptr;
                           st = sqlite3_next_stmt(db, st)) {
                        if (std::string(sqlite3_sql(st)).find("FROM access_keys WHERE") !=
                            std::string::npos) {
                          runs += sqlite3_stmt_status(st, SQLITE_STMTSTATUS_RUN, 0);
                        }
                      }
                      return OkStatus();
                    })
                    .ok());
    return runs;
  };
  ASSERT_TRUE(read_key().ok());
  const int first = selects();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(read_key().ok());
  EXPECT_EQ(selects(), first) << "an unchanged key was read from the table again";

  // Another process disables the key: the next read sees it.
  {
    sqlite3* other = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(other, "UPDATE access_keys SET enabled = 0", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(other);
  }
  auto disabled = read_key();
  ASSERT_TRUE(disabled.ok()) << disabled.status().ToString();
  EXPECT_FALSE(disabled->enabled);
  // A commit of this store's writer that touches another table also makes it read again.
  const int before_write = selects();
  ASSERT_TRUE(store->WriteAndWait([](Tx& tx) { return tx.PutDocument("d", "k", "1"); }).ok());
  ASSERT_TRUE(read_key().ok());
  EXPECT_EQ(selects(), before_write + 1);
  // Deleted by another process: gone at once.
  {
    sqlite3* other = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(other, "DELETE FROM access_keys", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(other);
  }
  EXPECT_EQ(read_key().status().code(), Code::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(store, SqliteStoreTest,
                         ::testing::Values(Variant{"BackgroundCheckpoint", 1000},
                                           Variant{"CheckpointOnCommit", 0}),
                         [](const ::testing::TestParamInfo<Variant>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace chime::store::sqlite
