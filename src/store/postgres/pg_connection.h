// RAII over libpq. A PgConnection owns one PGconn and caches its prepared statements, so each
// SQL text is parsed and planned once per connection and then executed by name. A PgResult owns
// one PGresult. Neither is thread-safe: a connection belongs to one thread at a time (a writer
// thread, or the reader that checked it out of the pool).
//
//   ASSIGN_OR_RETURN(auto conn, PgConnection::Connect(settings));
//   Params p;
//   p.Text(account_id);
//   ASSIGN_OR_RETURN(PgResult r, conn->Query("SELECT name FROM accounts WHERE account_id = $1",
//                                            p, "accounts.get"));
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "store/postgres/pg_error.h"

struct pg_conn;
struct pg_result;

namespace chime::store::postgres {

// How to reach the database. `url` is a libpq connection URI or keyword string; it may name
// several hosts ("postgresql://h1:5432,h2:5432/chimed"). Connections prefer the read-write
// server (target_session_attrs=read-write) unless the URL says otherwise.
struct ConnectSettings {
  std::string url;
  int connect_timeout_s = 5;
  std::string application_name = "chimed";
};

// One statement's result. Rows and columns are 0-based.
class PgResult {
 public:
  explicit PgResult(pg_result* res) : res_(res) {}
  PgResult(PgResult&& other) noexcept : res_(other.res_) { other.res_ = nullptr; }
  PgResult& operator=(PgResult&& other) noexcept;
  PgResult(const PgResult&) = delete;
  ~PgResult();

  int rows() const;
  // Rows an INSERT/UPDATE/DELETE changed.
  int64_t affected() const;
  bool IsNull(int row, int col) const;
  std::string Text(int row, int col) const;  // "" for NULL
  int64_t Int(int row, int col) const;       // 0 for NULL
  std::optional<int64_t> OptionalInt(int row, int col) const;
  bool Bool(int row, int col) const;          // a boolean column ("t")
  std::string Bytes(int row, int col) const;  // a bytea column, decoded

 private:
  pg_result* res_;
};

// Statement parameters, $1, $2 ... in the order added. Values are copied.
class Params {
 public:
  Params& Text(std::string_view value);
  // NULL when empty: for columns where "" means "none" (email, PIN) so UNIQUE ignores them.
  Params& TextOrNull(std::string_view value);
  Params& Int(int64_t value);
  Params& OptionalInt(const std::optional<int64_t>& value);
  Params& Bool(bool value);
  Params& Bytes(std::string_view bytes);  // sent in binary, for bytea columns
  // A one-dimensional array of the elements as text (an array literal); the SQL casts it, as
  // in `$1::text[]` or `$2::bigint[]`.
  Params& Array(const std::vector<std::string>& elements);
  Params& Null();

  int size() const { return static_cast<int>(values_.size()); }
  const char* const* values() const { return pointers_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  Params& Add(std::string_view value, bool is_null, int format);
  void Refresh();

  std::vector<std::string> values_;
  std::vector<bool> nulls_;
  std::vector<const char*> pointers_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

class PgConnection {
 public:
  // Connects and prepares the session (timeouts that let the server notice a vanished client,
  // synchronous_commit at least "on"). kUnavailable when no suitable server answers.
  static StatusOr<std::unique_ptr<PgConnection>> Connect(const ConnectSettings& settings);

  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one SQL statement with parameters through the prepared-statement cache.
  // `op` labels errors in the log. On failure, last_failure() says what it means.
  StatusOr<PgResult> Query(std::string_view sql, const Params& params, std::string_view op);
  // Runs `begin` (one statement without parameters) and then `sql` as Query would, in one
  // round trip (libpq pipeline mode): how a read transaction starts with its first statement.
  // When `begin` fails, `sql` does not run and begin's error is returned.
  StatusOr<PgResult> BeginAndQuery(std::string_view begin, std::string_view sql,
                                   const Params& params, std::string_view op);
  // Runs `sql` as Query does (after what Defer queued) and then `then` (one statement without
  // parameters: the writer's COMMIT), all in one round trip. Returns the statement's result;
  // `then_status` gets then's outcome. When the statement fails, `then` is skipped by the
  // server and `then_status` is the statement's error too. When the connection breaks after
  // the statement's answer arrived, that answer is returned and only `then_status` fails
  // (Failure::kConnection); before it, both fail. last_failure() describes the first failure.
  StatusOr<PgResult> QueryThen(std::string_view sql, const Params& params, std::string_view then,
                               std::string_view op, Status* then_status);
  // After QueryThen failed: whether the server itself refused something sent before `then`,
  // which it then skipped, even if the connection is gone too (a server ending the session
  // says so before it closes). False when the connection broke with then's fate unknown.
  bool then_skipped() const { return then_skipped_; }
  // Queues `sql` (one statement, no parameters) to be sent ahead of the next statement, in the
  // same round trip (libpq pipeline mode): the writer's BEGIN and savepoint handling. If the
  // server refuses it, that next call fails with its error and deferred_failed() is true.
  // Exec and QueryText send what is queued first, in a round trip of its own.
  void Defer(std::string sql);
  // Forgets what Defer queued (before a ROLLBACK, which makes it moot).
  void DiscardDeferred() { deferred_.clear(); }
  bool has_deferred() const { return !deferred_.empty(); }
  // True when the last call failed on a statement queued by Defer, not on its own, while the
  // connection stayed up.
  bool deferred_failed() const { return deferred_failed_; }
  // Sends `sql` (simple protocol) without waiting for the answer, which the next call on this
  // connection collects first. Only for statements whose outcome changes nothing the caller
  // already has: the COMMIT of a read-only transaction.
  Status SendWithoutWaiting(std::string_view sql, std::string_view op);
  // Runs SQL text without parameters, possibly several statements (BEGIN; INSERT ...), by the
  // simple protocol. Rows are discarded.
  Status Exec(std::string_view sql, std::string_view op);
  // The first column of the first row of `sql` (simple protocol), "" when there is no row.
  StatusOr<std::string> QueryText(std::string_view sql, std::string_view op);

  // The name of the prepared statement for `sql`, preparing it (one round trip) the first time
  // only. Query and its kin use it; so does code that sends the statement by itself, as the
  // reset loop does (pg_reset_loop.h).
  StatusOr<std::string> Prepare(std::string_view sql, std::string_view op);
  // libpq's handle, for that same code: it sends and reads without blocking, in pipeline mode.
  // Nothing above may be called after that.
  pg_conn* native() { return conn_; }

  // What the last failed Query/Exec meant (kStatement after a success).
  Failure last_failure() const { return last_failure_; }
  // True once the connection is unusable; the owner reconnects.
  bool broken() const;
  // False when broken, or when its server has closed it or said it is ending it since the last
  // call (a crash, a failover, a restart, pg_terminate_backend), as far as can be told by
  // reading what is there without waiting. A statement sent on such a connection would have an
  // unknown outcome, so callers that have been idle check before sending.
  bool Alive();
  // Closes the socket without telling the server, as a network failure would. For tests of
  // what follows a lost connection.
  void SimulateNetworkFailure();

 private:
  explicit PgConnection(pg_conn* conn) : conn_(conn) {}
  // libpq's notice receiver: an error the server sends while no statement runs is its reason
  // for ending the session, which libpq hands over as a notice.
  static void OnNotice(void* self, const pg_result* notice);
  // Maps a failed result (or none, when the connection broke) and records last_failure_.
  Status Fail(pg_result* res, std::string_view op);
  // Before any statement: fails when broken; collects the answer SendWithoutWaiting left.
  Status Ready(std::string_view op);
  // Sends `plain` (no parameters), then, when `name` is set, the prepared statement `name` with
  // `params`, then `then` (no parameters) when set, in one pipeline. Returns the named
  // statement's result (empty when `name` is null); `then_status` gets then's outcome.
  StatusOr<PgResult> Pipeline(const std::vector<std::string>& plain, const std::string* name,
                              const Params* params, std::string_view op,
                              const std::string* then = nullptr, Status* then_status = nullptr);
  // Sends what Defer queued, if anything, in a pipeline of its own.
  Status FlushDeferred(std::string_view op);
  Status SetUpSession();

  pg_conn* conn_;
  bool simulated_failure_ = false;
  bool unusable_ = false;  // a pipeline or a deferred answer went wrong: close, don't reuse
  // The server sent FATAL (or PANIC) while idle: it is closing the session, though the socket
  // may not have said so yet.
  bool ended_by_server_ = false;
  bool then_skipped_ = false;          // see then_skipped()
  bool answer_pending_ = false;        // SendWithoutWaiting's answer is not collected yet
  std::vector<std::string> deferred_;  // see Defer
  bool deferred_failed_ = false;
  Failure last_failure_ = Failure::kStatement;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
};

// `url` with any password replaced by "***", for logs.
std::string RedactUrl(std::string_view url);

}  // namespace chime::store::postgres
