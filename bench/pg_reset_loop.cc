// The ceiling of a PostgreSQL writer driven by the thread that has the requests: one thread,
// `--pg-writers` libpq connections (as many as chimed's writers) in pipeline mode, and `--clients`
// resets in flight. Whenever a connection is free it takes every queued reset as one batch and
// sends BEGIN, chimed's pipelined reset statement and COMMIT in one round trip, as
// PgWriter::RunPipelined does: the same SQL, parameters and answers (pg_pipelined_resets.h), the
// access-key check and the commit marker, on a session set up as chimed's writers set theirs up.
// Then it waits in poll() for whichever connection answers first.
//
// chimed hands each reset from the I/O thread that read it to a writer thread and the answer
// back; this hands nothing to another thread. bench/pg_bench.py runs it beside chimed, its
// store (store_reset_driver) and pgbench, which shows what those hand-offs cost, with the
// smaller batches they leave the writers.
//
// By default a client's next reset is queued the moment its last one is answered, so the 8
// resets answered by one COMMIT go out together in the next batch: the most batching this
// shape allows, an upper bound. Two knobs take it towards what chimed would see:
// --think-us puts a client's round trip (an HTTP answer and the next request) between an
// answer and its next reset, and --max-batch caps a batch, so that both connections work.
//
// A measurement, not a store: a reset whose candidate was taken is queued again with a new
// one, and anything else unexpected (an error, a refused reset, a lost connection) ends the
// run with exit status 1.
//
// Prints one JSON line (reset_driver_common.h).
#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/random.h"
#include "model/pin.h"
#include "reset_driver_common.h"
#include "store/postgres/pg_pipelined_resets.h"

namespace {

using chime::store::postgres::PgResult;
using chime::store::postgres::PinResetJob;
using chime::store::postgres::PipelinedAnswer;
using chime::store::postgres::PipelinedResets;
using Clock = std::chrono::steady_clock;

// What chimed's writer sessions set (PgConnection::SetUpSession, PrepareWriterSession in
// pg_writer.cc) that changes how the statement runs.
constexpr char kWriterSession[] =
    "SET client_encoding = 'UTF8'; SET enable_seqscan = off; "
    "SET plan_cache_mode = force_generic_plan";

[[noreturn]] void Die(const std::string& what, PGconn* conn) {
  std::cerr << "pg_reset_loop: " << what << (conn ? ": " : "") << (conn ? PQerrorMessage(conn) : "")
            << "\n";
  std::exit(1);
}

struct Client {
  size_t user = 0;  // index of the user it resets now
  std::unique_ptr<PinResetJob> job;
  Clock::time_point queued_at;
  Clock::time_point ready_at;  // when its next reset is due (--think-us after an answer)
};

struct Connection {
  PGconn* conn = nullptr;
  bool busy = false;         // a batch is in flight
  bool want_write = false;   // libpq has output it could not send yet
  std::vector<int> clients;  // the batch's clients, in the order of batch.jobs
  PipelinedResets batch;
};

chime::store::AccessKeyCheck ReadKey(PGconn* conn, const std::string& key_id) {
  const char* values[] = {key_id.c_str()};
  PGresult* r = PQexecParams(conn,
                             "SELECT encrypted_secret, session_token_hash, policy_json "
                             "FROM access_keys WHERE access_key_id = $1",
                             1, nullptr, values, nullptr, nullptr, /*resultFormat=*/1);
  if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
    Die("no access key " + key_id, nullptr);
  auto text = [r](int col) { return std::string(PQgetvalue(r, 0, col), PQgetlength(r, 0, col)); };
  chime::store::AccessKeyCheck key{key_id, text(0), std::nullopt, text(2)};
  if (!PQgetisnull(r, 0, 1)) key.session_token_hash = text(1);
  PQclear(r);
  return key;
}

PGconn* Connect(const std::string& url) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) Die("connect", conn);
  PGresult* r = PQexec(conn, kWriterSession);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) Die("session setup", conn);
  PQclear(r);
  r = PQprepare(conn, "reset", chime::store::postgres::PipelinedResetSql().c_str(), 0, nullptr);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) Die("prepare", conn);
  PQclear(r);
  return conn;
}

void EnterPipelineMode(PGconn* conn) {
  if (PQsetnonblocking(conn, 1) != 0 || PQenterPipelineMode(conn) != 1) Die("pipeline", conn);
}

void Send(Connection& c, const std::string& token) {
  auto params = chime::store::postgres::PipelinedResetParams(c.batch, token);
  const bool sent =
      PQsendQueryParams(c.conn, "BEGIN ISOLATION LEVEL READ COMMITTED", 0, nullptr, nullptr,
                        nullptr, nullptr, 0) == 1 &&
      PQsendQueryPrepared(c.conn, "reset", params.size(), params.values(), params.lengths(),
                          params.formats(), 0) == 1 &&
      PQsendQueryParams(c.conn, "COMMIT", 0, nullptr, nullptr, nullptr, nullptr, 0) == 1 &&
      PQpipelineSync(c.conn) == 1;
  if (!sent) Die("send", c.conn);
  const int flushed = PQflush(c.conn);
  if (flushed < 0) Die("flush", c.conn);
  c.want_write = flushed == 1;
  c.busy = true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Drive chimed's pipelined reset statement from one thread's poll loop"};
  chime::bench::DriverFlags flags;
  flags.AddTo(app);
  int pg_writers = 2;      // chimed's default (server/config.h)
  size_t max_batch = 256;  // PgWriterOptions::max_batch
  int think_us = 0;
  app.add_option("--pg-writers", pg_writers, "connections, as chimed's --pg-writers")
      ->check(CLI::Range(1, 64));
  app.add_option("--max-batch", max_batch, "resets per transaction at most")
      ->check(CLI::Range(1, 4096));
  app.add_option("--think-us", think_us,
                 "how long a client takes between an answer and its next reset (as an HTTP "
                 "client's round trip does)")
      ->check(CLI::Range(0, 1000000));
  CLI11_PARSE(app, argc, argv);

  const std::vector<std::string> users = chime::bench::ReadLines(flags.users_file);
  if (users.size() < static_cast<size_t>(flags.clients)) Die("fewer users than clients", nullptr);
  std::vector<Connection> connections(pg_writers);
  for (auto& c : connections) c.conn = Connect(flags.url);
  std::optional<chime::store::AccessKeyCheck> key;
  if (!flags.key_id.empty()) key = ReadKey(connections[0].conn, flags.key_id);
  for (auto& c : connections) EnterPipelineMode(c.conn);

  chime::RandomSource& random = chime::CryptoRandom::Get();
  std::vector<Client> clients(flags.clients);
  std::deque<int> queued;
  int64_t n = 0;
  auto queue_reset = [&](int c) {
    Client& client = clients[c];
    client.job = std::make_unique<PinResetJob>();
    client.job->audit = {"loop-" + std::to_string(n++), flags.principal(), flags.account_id,
                         users[client.user], chime::bench::WallClockMs()};
    client.job->key = key;
    client.job->random = &random;
    client.queued_at = Clock::now();
    queued.push_back(c);
  };
  for (int c = 0; c < flags.clients; ++c) {
    clients[c].user = static_cast<size_t>(c);
    queue_reset(c);
  }

  std::vector<int64_t> latencies_us;
  std::vector<int> thinking;  // answered clients whose next reset is not due yet
  int64_t batches = 0;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(flags.seconds);
  for (;;) {
    const auto now = Clock::now();
    const bool stopping = now >= end;
    auto wake_at = now + std::chrono::milliseconds(100);
    for (size_t i = 0; i < thinking.size();) {
      if (clients[thinking[i]].ready_at <= now) {
        queue_reset(thinking[i]);
        thinking[i] = thinking.back();
        thinking.pop_back();
      } else {
        wake_at = std::min(wake_at, clients[thinking[i]].ready_at);
        ++i;
      }
    }
    bool in_flight = false;
    for (auto& c : connections) {
      if (!c.busy && !queued.empty() && !stopping) {
        const size_t take = std::min(queued.size(), max_batch);
        c.clients.assign(queued.begin(), queued.begin() + take);
        queued.erase(queued.begin(), queued.begin() + take);
        c.batch = PipelinedResets();
        for (int client : c.clients) {
          c.batch.jobs.push_back(clients[client].job.get());
          c.batch.candidates.push_back(chime::model::DrawPinCandidate(random));
        }
        c.batch.answers.assign(c.clients.size(), PipelinedAnswer::kNotDone);
        Send(c, "loop-" + std::to_string(start.time_since_epoch().count()) + "-" +
                    std::to_string(batches++));
      }
      in_flight |= c.busy;
    }
    if (!in_flight && stopping) break;
    if (stopping) thinking.clear();

    std::vector<pollfd> fds;
    for (auto& c : connections) {
      fds.push_back(
          {PQsocket(c.conn), static_cast<short>(POLLIN | (c.want_write ? POLLOUT : 0)), 0});
    }
    const auto wait_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(wake_at - Clock::now()).count();
    const timespec timeout{static_cast<time_t>(std::max<int64_t>(wait_ns, 0) / 1000000000),
                           static_cast<long>(std::max<int64_t>(wait_ns, 0) % 1000000000)};
    if (ppoll(fds.data(), fds.size(), &timeout, nullptr) < 0) Die("poll", nullptr);
    for (size_t i = 0; i < connections.size(); ++i) {
      Connection& c = connections[i];
      if (fds[i].revents & POLLOUT) {
        const int flushed = PQflush(c.conn);
        if (flushed < 0) Die("flush", c.conn);
        c.want_write = flushed == 1;
      }
      if (!(fds[i].revents & (POLLIN | POLLERR | POLLHUP))) continue;
      if (PQconsumeInput(c.conn) != 1) Die("lost connection", c.conn);
      while (c.busy && PQisBusy(c.conn) == 0) {
        PGresult* r = PQgetResult(c.conn);
        if (r == nullptr) continue;  // the end of one statement's results
        const ExecStatusType status = PQresultStatus(r);
        if (status == PGRES_TUPLES_OK) {
          PgResult result(r);
          if (!chime::store::postgres::ReadPipelinedAnswers(result, c.batch).ok()) {
            Die("unexpected answer", nullptr);
          }
          continue;
        }
        if (status != PGRES_COMMAND_OK && status != PGRES_PIPELINE_SYNC) {
          std::string error = PQresultErrorMessage(r);
          PQclear(r);
          Die("statement failed: " + error, nullptr);
        }
        PQclear(r);
        if (status == PGRES_COMMAND_OK) continue;  // BEGIN, COMMIT
        c.busy = false;                            // the pipeline's end: COMMIT has been answered
        for (size_t k = 0; k < c.clients.size(); ++k) {
          const int client = c.clients[k];
          if (c.batch.answers[k] == PipelinedAnswer::kTaken) {
            queued.push_back(client);  // drawn again in the next batch
            continue;
          }
          if (c.batch.answers[k] != PipelinedAnswer::kDone) Die("a reset was refused", nullptr);
          latencies_us.push_back(std::chrono::duration_cast<std::chrono::microseconds>(
                                     Clock::now() - clients[client].queued_at)
                                     .count());
          clients[client].user =
              chime::bench::NextUser(clients[client].user, client, flags.clients, users.size());
          if (think_us == 0) {
            queue_reset(client);
          } else {
            clients[client].ready_at = Clock::now() + std::chrono::microseconds(think_us);
            thinking.push_back(client);
          }
        }
      }
    }
  }
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  for (auto& c : connections) PQfinish(c.conn);
  std::cerr << "pg_reset_loop: " << latencies_us.size() << " resets in " << batches
            << " transactions\n";
  chime::bench::PrintResult(std::move(latencies_us), wall, 0);
  return 0;
}
