#include "store/postgres/pg_test_server.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace chime::store::postgres {
namespace {

// Runs `command` and returns its stdout; *ok is false on a non-zero exit.
std::string RunCapture(const std::string& command, bool* ok) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    *ok = false;
    return out;
  }
  char buf[512];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  *ok = ::pclose(pipe) == 0;
  return out;
}

std::string Field(const std::string& text, const std::string& name) {
  size_t pos = text.find(name + "=");
  if (pos == std::string::npos) return "";
  size_t end = text.find('\n', pos);
  return text.substr(pos + name.size() + 1, end - pos - name.size() - 1);
}

std::string Fixture() { return std::string("python3 ") + CHIME_PG_FIXTURE; }

}  // namespace

PgTestServer& PgTestServer::Get() {
  static PgTestServer* server = new PgTestServer();  // destroyed by an atexit hook below
  static std::once_flag once;
  std::call_once(once, [] { std::atexit([] { delete server; }); });
  return *server;
}

PgTestServer::PgTestServer() {
  if (const char* url = std::getenv("CHIMED_TEST_PG_URL"); url != nullptr && *url != '\0') {
    admin_url_ = url;
    return;
  }
  bool ok = false;
  std::string reason = RunCapture(Fixture() + " check 2>&1", &ok);
  if (!ok) {
    while (!reason.empty() && reason.back() == '\n') reason.pop_back();
    unavailable_ = reason.empty() ? "pg_fixture.py check failed" : reason;
    return;
  }
  std::string out =
      RunCapture(Fixture() + " start --watch-pid " + std::to_string(::getpid()) + " 2>&1", &ok);
  admin_url_ = Field(out, "url");
  dir_ = Field(out, "dir");
  if (!ok || admin_url_.empty()) {
    start_error_ = "could not start a PostgreSQL server with pg_fixture.py: " + out;
  }
}

PgTestServer::~PgTestServer() {
  if (dir_.empty()) return;
  bool ok = false;
  RunCapture(Fixture() + " stop --dir '" + dir_ + "'", &ok);
}

std::string PgTestServer::UrlFor(const std::string& dbname) const {
  // postgresql://user:pw@host:port/db?params -> same with another db.
  size_t hosts = admin_url_.find("://");
  size_t slash = admin_url_.find('/', hosts == std::string::npos ? 0 : hosts + 3);
  size_t query = admin_url_.find('?');
  std::string base = admin_url_.substr(0, slash == std::string::npos ? query : slash);
  std::string params = query == std::string::npos ? "" : admin_url_.substr(query);
  return base + "/" + dbname + params;
}

StatusOr<std::string> PgTestServer::NewDatabase() {
  if (!unavailable_.empty()) return Unavailable(unavailable_);
  if (!start_error_.empty()) return Unavailable(start_error_);
  std::string name;
  {
    static std::mutex mu;
    std::lock_guard<std::mutex> lock(mu);
    name = "chimed_test_" + std::to_string(::getpid()) + "_" + std::to_string(next_db_++);
  }
  PGconn* conn = PQconnectdb(admin_url_.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string why = PQerrorMessage(conn);
    PQfinish(conn);
    return Unavailable("cannot connect to the test server: " + why);
  }
  PGresult* res = PQexec(conn, ("CREATE DATABASE " + name).c_str());
  bool created = PQresultStatus(res) == PGRES_COMMAND_OK;
  std::string why = PQerrorMessage(conn);
  PQclear(res);
  PQfinish(conn);
  if (!created) return Internal("CREATE DATABASE failed: " + why);
  return UrlFor(name);
}

}  // namespace chime::store::postgres
