#include "store/postgres/pg_connection.h"

#include <libpq-fe.h>
#include <sys/socket.h>

#include <charconv>
#include <cstdlib>
#include <vector>

#include "common/log.h"

namespace chime::store::postgres {

// ---------------------------------------------------------------------------------------------
// PgResult

PgResult& PgResult::operator=(PgResult&& other) noexcept {
  if (this != &other) {
    if (res_ != nullptr) PQclear(res_);
    res_ = other.res_;
    other.res_ = nullptr;
  }
  return *this;
}

PgResult::~PgResult() {
  if (res_ != nullptr) PQclear(res_);
}

int PgResult::rows() const { return PQntuples(res_); }

int64_t PgResult::affected() const {
  const char* text = PQcmdTuples(res_);
  int64_t n = 0;
  std::from_chars(text, text + std::char_traits<char>::length(text), n);
  return n;
}

bool PgResult::IsNull(int row, int col) const { return PQgetisnull(res_, row, col) != 0; }

std::string PgResult::Text(int row, int col) const {
  if (IsNull(row, col)) return "";
  return std::string(PQgetvalue(res_, row, col), PQgetlength(res_, row, col));
}

int64_t PgResult::Int(int row, int col) const {
  if (IsNull(row, col)) return 0;
  const char* text = PQgetvalue(res_, row, col);
  int64_t n = 0;
  std::from_chars(text, text + PQgetlength(res_, row, col), n);
  return n;
}

std::optional<int64_t> PgResult::OptionalInt(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Int(row, col);
}

bool PgResult::Bool(int row, int col) const {
  return !IsNull(row, col) && PQgetvalue(res_, row, col)[0] == 't';
}

std::string PgResult::Bytes(int row, int col) const {
  if (IsNull(row, col)) return "";
  size_t length = 0;
  unsigned char* raw =
      PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(res_, row, col)), &length);
  if (raw == nullptr) return "";
  std::string out(reinterpret_cast<const char*>(raw), length);
  PQfreemem(raw);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Params

Params& Params::Add(std::string_view value, bool is_null, int format) {
  values_.emplace_back(value);
  nulls_.push_back(is_null);
  formats_.push_back(format);
  Refresh();
  return *this;
}

// Pointers into values_ move whenever the vector grows (and short strings live inline), so they
// are rebuilt after every Add; statements have at most a few dozen parameters.
void Params::Refresh() {
  pointers_.clear();
  lengths_.clear();
  for (size_t i = 0; i < values_.size(); ++i) {
    pointers_.push_back(nulls_[i] ? nullptr : values_[i].c_str());
    lengths_.push_back(static_cast<int>(values_[i].size()));
  }
}

Params& Params::Text(std::string_view value) { return Add(value, false, 0); }
Params& Params::TextOrNull(std::string_view value) { return Add(value, value.empty(), 0); }
Params& Params::Int(int64_t value) { return Add(std::to_string(value), false, 0); }
Params& Params::OptionalInt(const std::optional<int64_t>& value) {
  return value.has_value() ? Int(*value) : Null();
}
Params& Params::Bool(bool value) { return Add(value ? "t" : "f", false, 0); }

Params& Params::Array(const std::vector<std::string>& elements) {
  // Every element quoted, so that no value (empty, NULL, containing a comma or a brace) can
  // change the array's shape; inside quotes only `"` and `\` need a backslash.
  std::string literal = "{";
  for (const std::string& e : elements) {
    if (literal.size() > 1) literal += ',';
    literal += '"';
    for (char c : e) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  literal += '}';
  return Add(literal, false, 0);
}

Params& Params::Bytes(std::string_view bytes) { return Add(bytes, false, 1); }
Params& Params::Null() { return Add("", true, 0); }

// ---------------------------------------------------------------------------------------------
// PgConnection

StatusOr<std::unique_ptr<PgConnection>> PgConnection::Connect(const ConnectSettings& settings) {
  const std::string timeout = std::to_string(settings.connect_timeout_s);
  // Our defaults come first: with expand_dbname, values from the URL (which follows) win, so an
  // operator can override any of them.
  const char* keywords[] = {"connect_timeout",
                            "keepalives",
                            "keepalives_idle",
                            "keepalives_interval",
                            "keepalives_count",
                            "tcp_user_timeout",
                            "target_session_attrs",
                            "application_name",
                            "dbname",
                            nullptr};
  const char* values[] = {timeout.c_str(),
                          "1",
                          "10",
                          "5",
                          "3",
                          "15000",
                          "read-write",
                          settings.application_name.c_str(),
                          settings.url.c_str(),
                          nullptr};
  pg_conn* raw = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (raw == nullptr) {
    LOG_ERROR("postgres: out of memory creating a connection");
    return UnavailableError();
  }
  if (PQstatus(raw) != CONNECTION_OK) {
    // libpq's message names hosts and the server's refusal, never the password.
    std::string why = PQerrorMessage(raw);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    LOG_WARN("postgres: cannot connect to " << RedactUrl(settings.url) << ": " << why);
    PQfinish(raw);
    return UnavailableError();
  }
  std::unique_ptr<PgConnection> conn(new PgConnection(raw));
  PQsetNoticeReceiver(raw, &PgConnection::OnNotice, conn.get());
  RETURN_IF_ERROR(conn->SetUpSession());
  return conn;
}

Status PgConnection::SetUpSession() {
  // A client that vanishes mid-transaction (crash, partition) must not hold row locks for long:
  // the server drops its session after these, which also lets an unknown COMMIT be resolved.
  RETURN_IF_ERROR(
      Exec("SET idle_in_transaction_session_timeout = '60s';"
           "SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5;"
           "SET tcp_keepalives_count = 3;"
           // chimed's strings are UTF-8, and Params::Array escapes byte by byte, which only an
           // ASCII-compatible encoding without backslash trail bytes (not SJIS, GBK, BIG5) allows.
           "SET client_encoding = 'UTF8'",
           "session.setup"));
  // A 2xx means durable: never run with asynchronous commit, whatever the server default.
  ASSIGN_OR_RETURN(std::string mode, QueryText("SHOW synchronous_commit", "session.sync"));
  if (mode == "off" || mode == "local") {
    LOG_WARN("postgres: synchronous_commit is " << mode << " on the server; chimed sets it to on");
    RETURN_IF_ERROR(Exec("SET synchronous_commit = on", "session.sync_on"));
  }
  return OkStatus();
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::broken() const {
  return simulated_failure_ || unusable_ || ended_by_server_ || PQstatus(conn_) != CONNECTION_OK;
}

void PgConnection::OnNotice(void* self, const pg_result* notice) {
  // Other notices (e.g. "relation already exists, skipping") are not for chimed's stderr.
  const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
  if (severity == nullptr) return;
  const std::string_view s(severity);
  if (s == "FATAL" || s == "PANIC") static_cast<PgConnection*>(self)->ended_by_server_ = true;
}

bool PgConnection::Alive() {
  if (broken()) return false;
  // libpq's socket never blocks: this reads what has arrived, or nothing. A server ending the
  // session sends its reason first, and the read that brings it does not see the close that
  // follows: PQisBusy parses it, and the notice receiver (OnNotice) marks the connection.
  if (PQconsumeInput(conn_) != 1) {
    unusable_ = true;
  } else {
    (void)PQisBusy(conn_);
  }
  return !broken();
}

void PgConnection::SimulateNetworkFailure() {
  ::shutdown(PQsocket(conn_), SHUT_RDWR);
  simulated_failure_ = true;
}

Status PgConnection::Fail(pg_result* res, std::string_view op) {
  const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const char* constraint =
      res != nullptr ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : nullptr;
  // A missing SQLSTATE with a healthy connection is a libpq-side failure (out of memory, a
  // protocol error); treat it like a lost connection: reconnecting is the only cure. On a
  // broken connection, whatever the server said, the connection is what was lost; its SQLSTATE
  // is kept only when it says why the session ended (57P01: a shutdown), for the log.
  std::string_view sqlstate =
      state != nullptr && (!broken() || IsConnectionState(state)) ? state : "";
  PgError e = ClassifyPgError(sqlstate, constraint != nullptr ? constraint : "", op);
  last_failure_ = e.failure;
  if (res != nullptr) PQclear(res);
  return e.status;
}

Status PgConnection::Ready(std::string_view op) {
  if (!broken() && answer_pending_) {
    answer_pending_ = false;
    bool ok = true;
    while (pg_result* res = PQgetResult(conn_)) {
      ok = ok && PQresultStatus(res) == PGRES_COMMAND_OK;
      PQclear(res);
    }
    if (!ok) {
      // A read-only COMMIT cannot fail on a healthy session; whatever happened, start afresh.
      LOG_WARN("postgres: a deferred COMMIT of a read failed; closing the connection");
      unusable_ = true;
    }
  }
  if (broken()) return Fail(nullptr, op);
  return OkStatus();
}

StatusOr<std::string> PgConnection::Prepare(std::string_view sql, std::string_view op) {
  std::string key(sql);
  auto it = prepared_.find(key);
  if (it != prepared_.end()) return it->second;
  // Appended rather than `"s" + ...`: GCC 12 inlines that into a false -Wrestrict warning.
  std::string name = "s";
  name += std::to_string(prepared_.size());
  pg_result* res = PQprepare(conn_, name.c_str(), key.c_str(), 0, nullptr);
  if (res == nullptr || PQresultStatus(res) != PGRES_COMMAND_OK) return Fail(res, op);
  PQclear(res);
  prepared_.emplace(std::move(key), name);
  return name;
}

StatusOr<PgResult> PgConnection::Query(std::string_view sql, const Params& params,
                                       std::string_view op) {
  RETURN_IF_ERROR(Ready(op));
  ASSIGN_OR_RETURN(std::string name, Prepare(sql, op));
  if (!deferred_.empty()) {
    std::vector<std::string> first;
    first.swap(deferred_);
    return Pipeline(first, &name, &params, op);
  }
  pg_result* res = PQexecPrepared(conn_, name.c_str(), params.size(), params.values(),
                                  params.lengths(), params.formats(), /*resultFormat=*/0);
  ExecStatusType status = res != nullptr ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return Fail(res, op);
  last_failure_ = Failure::kStatement;
  return PgResult(res);
}

StatusOr<PgResult> PgConnection::BeginAndQuery(std::string_view begin, std::string_view sql,
                                               const Params& params, std::string_view op) {
  RETURN_IF_ERROR(Ready(op));
  std::vector<std::string> first{std::string(begin)};
  ASSIGN_OR_RETURN(std::string name, Prepare(sql, op));
  return Pipeline(first, &name, &params, op);
}

StatusOr<PgResult> PgConnection::QueryThen(std::string_view sql, const Params& params,
                                           std::string_view then, std::string_view op,
                                           Status* then_status) {
  *then_status = Ready(op);
  RETURN_IF_ERROR(*then_status);
  StatusOr<std::string> name = Prepare(sql, op);
  if (!name.ok()) {
    *then_status = name.status();
    return name.status();
  }
  std::vector<std::string> first;
  first.swap(deferred_);
  const std::string after(then);
  return Pipeline(first, &*name, &params, op, &after, then_status);
}

void PgConnection::Defer(std::string sql) { deferred_.push_back(std::move(sql)); }

StatusOr<PgResult> PgConnection::Pipeline(const std::vector<std::string>& plain,
                                          const std::string* name, const Params* params,
                                          std::string_view op, const std::string* then,
                                          Status* then_status) {
  deferred_failed_ = false;
  then_skipped_ = false;
  bool sent = PQenterPipelineMode(conn_) == 1;
  for (const std::string& sql : plain) {
    sent = sent &&
           PQsendQueryParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
  }
  if (name != nullptr) {
    sent = sent && PQsendQueryPrepared(conn_, name->c_str(), params->size(), params->values(),
                                       params->lengths(), params->formats(),
                                       /*resultFormat=*/0) == 1;
  }
  if (then != nullptr) {
    sent = sent &&
           PQsendQueryParams(conn_, then->c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
  }
  if (!sent || PQpipelineSync(conn_) != 1) {
    unusable_ = true;  // part of a pipeline may have been sent
    Status status = Fail(nullptr, op);
    if (then_status != nullptr) *then_status = status;
    return status;
  }
  // Each command's results end with a NULL; the pipeline ends with PGRES_PIPELINE_SYNC. After
  // an error the remaining commands report PGRES_PIPELINE_ABORTED. A lost connection ends it.
  const size_t named = plain.size();  // the named statement's index, when there is one
  const size_t commands = plain.size() + (name != nullptr ? 1 : 0) + (then != nullptr ? 1 : 0);
  std::vector<pg_result*> results(commands, nullptr);
  size_t command = 0;
  for (size_t guard = 0; guard < 4 * commands + 8; ++guard) {
    pg_result* res = PQgetResult(conn_);
    if (res == nullptr) {
      if (PQstatus(conn_) != CONNECTION_OK) break;
      ++command;
      continue;
    }
    if (PQresultStatus(res) == PGRES_PIPELINE_SYNC) {
      PQclear(res);
      break;
    }
    if (command < commands && results[command] == nullptr) {
      results[command] = res;
    } else {
      PQclear(res);
    }
  }
  if (PQexitPipelineMode(conn_) != 1) unusable_ = true;
  // The first command that did not succeed decides; the others' results are dropped.
  size_t failed = commands;
  for (size_t i = 0; i < commands && failed == commands; ++i) {
    ExecStatusType st = results[i] != nullptr ? PQresultStatus(results[i]) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) failed = i;
  }
  if (failed == commands && unusable_) failed = commands - 1;
  if (then != nullptr && failed == commands - 1 && name != nullptr) {
    // The named statement ran and was answered; only `then` failed (or its answer was lost).
    pg_result* kept = results[named];
    for (size_t i = 0; i + 1 < commands; ++i) {
      if (i != named && results[i] != nullptr) PQclear(results[i]);
    }
    *then_status = Fail(results[commands - 1], op);
    return PgResult(kept);
  }
  pg_result* keep = failed < commands ? results[failed]
                    : name != nullptr ? results[named]
                                      : nullptr;
  // Only the server's errors carry a SQLSTATE; libpq's own (a lost connection) do not.
  then_skipped_ = then != nullptr && failed < commands - 1 && keep != nullptr &&
                  PQresultErrorField(keep, PG_DIAG_SQLSTATE) != nullptr;
  for (pg_result* res : results) {
    if (res != nullptr && res != keep) PQclear(res);
  }
  if (failed < commands) {
    Status status = Fail(keep, op);
    // The server refused a statement sent ahead (not this call's own): the caller's work is
    // intact but the transaction is aborted. A lost connection is reported as such instead.
    deferred_failed_ = failed < plain.size() && last_failure_ != Failure::kConnection;
    if (then_status != nullptr) *then_status = status;
    return status;
  }
  last_failure_ = Failure::kStatement;
  if (then_status != nullptr) *then_status = OkStatus();
  return PgResult(keep);
}

Status PgConnection::FlushDeferred(std::string_view op) {
  if (deferred_.empty()) return OkStatus();
  std::vector<std::string> first;
  first.swap(deferred_);
  return Pipeline(first, nullptr, nullptr, op).status();
}

Status PgConnection::SendWithoutWaiting(std::string_view sql, std::string_view op) {
  RETURN_IF_ERROR(Ready(op));
  if (PQsendQuery(conn_, std::string(sql).c_str()) != 1) {
    unusable_ = true;
    return Fail(nullptr, op);
  }
  answer_pending_ = true;
  return OkStatus();
}

Status PgConnection::Exec(std::string_view sql, std::string_view op) {
  RETURN_IF_ERROR(Ready(op));
  RETURN_IF_ERROR(FlushDeferred(op));
  pg_result* res = PQexec(conn_, std::string(sql).c_str());
  ExecStatusType status = res != nullptr ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return Fail(res, op);
  PQclear(res);
  last_failure_ = Failure::kStatement;
  return OkStatus();
}

StatusOr<std::string> PgConnection::QueryText(std::string_view sql, std::string_view op) {
  RETURN_IF_ERROR(Ready(op));
  RETURN_IF_ERROR(FlushDeferred(op));
  pg_result* res = PQexec(conn_, std::string(sql).c_str());
  ExecStatusType status = res != nullptr ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK) return Fail(res, op);
  PgResult result(res);
  last_failure_ = Failure::kStatement;
  return result.rows() > 0 ? result.Text(0, 0) : std::string();
}

std::string RedactUrl(std::string_view url) {
  std::string out(url);
  // URI form: scheme://user:password@hosts/...
  size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    size_t start = scheme + 3;
    size_t at = out.find('@', start);
    size_t slash = out.find('/', start);
    size_t colon = out.find(':', start);
    if (at != std::string::npos && (slash == std::string::npos || at < slash) &&
        colon != std::string::npos && colon < at) {
      out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // Keyword form or query parameter: password=...
  for (size_t pos = out.find("password="); pos != std::string::npos;
       pos = out.find("password=", pos + 1)) {
    size_t begin = pos + 9;
    size_t end = out.find_first_of(" &", begin);
    if (end == std::string::npos) end = out.size();
    out.replace(begin, end - begin, "***");
  }
  return out;
}

}  // namespace chime::store::postgres
