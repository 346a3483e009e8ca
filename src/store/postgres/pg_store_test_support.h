// What the PostgreSQL store's tests share (pg_store_test.cc, pg_reset_pin_test.cc,
// pg_reset_loop_test.cc): a fixture with a fresh database of the test server per test, and
// plain SQL beside the store.
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "store/postgres/pg_store.h"
#include "store/postgres/pg_test_server.h"

namespace chime::store::postgres {

// Runs one SQL statement on a fresh connection; the first column of the first row.
inline std::string Sql(const std::string& url, const std::string& sql) {
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

// Account 'a', written past the store (as an operator's SQL or an older chimed would).
inline void AddAccountA(const std::string& url) {
  Sql(url,
      "INSERT INTO accounts(account_id, aws_account_id, name, account_type, created_ms, "
      "default_license, supported_licenses, status, signin_delegate_groups) "
      "VALUES ('a', '1', 'n', 'Team', 0, 'Pro', '[]', 'Active', '[]')");
}

// Users of account 'a', written past the store: `rows` as "('u1', 'Registered', '1111122222')",
// comma-separated (registration status, then the PIN or NULL).
inline void AddUsersOfA(const std::string& url, const std::string& rows) {
  Sql(url,
      "INSERT INTO users(user_id, account_id, primary_provisioned_number, display_name, "
      "license_type, user_type, registration_status, pin) "
      "SELECT v.user_id, 'a', '', '', 'Pro', 'PrivateUser', v.status, v.pin FROM (VALUES " +
          rows + ") AS v(user_id, status, pin)");
}

// Stores an enabled access key `id`, written past the store; the check that matches it.
inline AccessKeyCheck AddEnabledKey(const std::string& url, const std::string& id) {
  Sql(url,
      "INSERT INTO access_keys(access_key_id, name, encrypted_secret, policy_json, enabled, "
      "created_ms) VALUES ('" +
          id + "', 'k', '\\x00736561ff'::bytea, '{}', true, 0)");
  return AccessKeyCheck{id, std::string("\x00sea\xff", 5), std::nullopt, "{}"};
}

// The backend pids of the sessions that wait for a lock `holder`'s session holds,
// comma-separated ("" when none does).
inline std::string WaitersOf(const std::string& url, PGconn* holder) {
  return Sql(url, "SELECT string_agg(pid::text, ',') FROM pg_stat_activity WHERE " +
                      std::to_string(PQbackendPID(holder)) + " = ANY(pg_blocking_pids(pid))");
}

// Waits (up to 5 s) until one session waits for a lock `holder`'s session holds: so a test
// knows a statement has reached the wait it means to exercise.
inline void WaitUntilBlockedBy(const std::string& url, PGconn* holder) {
  for (int i = 0; i < 500; ++i) {
    const std::string waiters = WaitersOf(url, holder);
    if (!waiters.empty() && waiters.find(',') == std::string::npos) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL() << "nothing waited for the holder's locks within 5 s";
}

// Ends the session that waits for `holder`'s locks, as a failover or a shutdown would, and
// waits until it has gone.
inline void TerminateTheWaiterOf(const std::string& url, PGconn* holder) {
  // In two statements: in one, a session that starts waiting meanwhile would be ended too.
  const std::string pid = WaitersOf(url, holder);
  ASSERT_FALSE(pid.empty()) << "nothing waits for the holder's locks";
  ASSERT_EQ(pid.find(','), std::string::npos) << "more than one waiter: " << pid;
  ASSERT_EQ(Sql(url, "SELECT pg_terminate_backend(" + pid + ", 5000)"), "t");
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

}  // namespace chime::store::postgres
