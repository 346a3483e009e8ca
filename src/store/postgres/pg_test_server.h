// A PostgreSQL server for C++ tests, shared by every test of one process.
//
// With $CHIMED_TEST_PG_URL set (a superuser URL of a server someone else runs) that server is
// used. Otherwise the first use starts a private one with tests/integration/pg_fixture.py
// (initdb in a temporary directory, 127.0.0.1 on a free port, a non-root user, fsync and
// synchronous_commit on); it is stopped at exit, and by the fixture's watchdog if the test
// process dies. Where PostgreSQL is not installed, unavailable() says why, for GTEST_SKIP.
// Where it is installed but the server does not start, that is a failure, not a skip:
// NewDatabase() fails with the reason, so every test that needs the server fails.
#pragma once

#include <string>

#include "common/status.h"

namespace chime::store::postgres {

class PgTestServer {
 public:
  // The process-wide server, started on first call. Thread-safe.
  static PgTestServer& Get();

  // "" when the server runs; otherwise why there is none (a message for a visible skip).
  const std::string& unavailable() const { return unavailable_; }

  // Creates a fresh empty database and returns its URL.
  StatusOr<std::string> NewDatabase();

  // A URL for database `dbname` on this server.
  std::string UrlFor(const std::string& dbname) const;

  ~PgTestServer();

 private:
  PgTestServer();

  std::string admin_url_;  // ends in "/postgres" (or the database of $CHIMED_TEST_PG_URL)
  std::string dir_;        // non-empty when we started the server ourselves
  std::string unavailable_;
  std::string start_error_;  // installed, but the private server did not start
  int next_db_ = 0;
};

}  // namespace chime::store::postgres
