#include "store/postgres/pg_reset_loop.h"

#include <libpq-fe.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "common/log.h"
#include "model/pin.h"
#include "store/postgres/pg_error.h"
#include "store/postgres/pg_writer_worker.h"  // CallDone
#include "store/tx_errors.h"

namespace chime::store::postgres {
namespace {

using Clock = std::chrono::steady_clock;

// After a failed connect, how long a connection stays down before the loop asks again; its
// resets meanwhile take the writer's path, which waits for a server as it always has.
constexpr auto kReconnectDelay = std::chrono::seconds(1);

// The pipeline's three commands: BEGIN, the statement, then COMMIT (or a fault's stand-in).
constexpr int kCommands = 3;

}  // namespace

struct PgResetLoop::Link {
  enum class State { kDown, kConnecting, kIdle, kBusy };
  State state = State::kDown;
  Clock::time_point retry_at{};
  std::shared_ptr<PgConnection> conn;  // shared: it arrives through a std::function
  std::string statement;               // the prepared name of PipelinedResetSql()
  std::unique_ptr<FdWatch> watch;

  // The batch in flight (kBusy).
  std::vector<Job> jobs;
  PipelinedResets batch;  // batch.jobs[k] is jobs[k].job
  std::string token;
  Clock::time_point sent_at;
  CommitFault fault = CommitFault::kNone;
  int command = 0;                   // whose results PQgetResult returns now
  ExecStatusType status[kCommands];  // each command's first result
  std::optional<PgResult> answer;    // the statement's rows, when it succeeded
  std::string sqlstate;              // the first failed command's SQLSTATE ("" when none came)
  int failed_command = -1;           // whose error the server sent first (-1: none)

  PGconn* native() { return conn->native(); }
};

PgResetLoop::PgResetLoop(EventLoop& loop, PgWriter& writer, const PgWriterOptions& options)
    : loop_(loop),
      writer_(writer),
      max_batch_(std::max<size_t>(1, options.max_batch)),
      commit_fault_(options.commit_fault),
      hold_limit_(options.reset_hold_ms),
      slow_batch_("postgres reset batch of an I/O thread",
                  std::chrono::milliseconds(options.slow_write_warning_ms)) {
  for (int i = 0; i < std::max(1, options.threads); ++i) {
    links_.push_back(std::make_unique<Link>());
  }
}

PgResetLoop::~PgResetLoop() = default;

void PgResetLoop::Submit(std::shared_ptr<PinResetJob> job, DoneFn done) {
  if (awaited_ > 0) --awaited_;
  queued_.push_back(Job{std::move(job), std::move(done)});
  ScheduleFlush();
}

void PgResetLoop::ScheduleFlush() {
  if (flush_posted_) return;
  flush_posted_ = true;
  // After the handlers ready now, so that the resets they read join this batch.
  loop_.Post([weak = weak_from_this()] {
    if (auto self = weak.lock()) self->Flush();
  });
}

void PgResetLoop::Flush() {
  flush_posted_ = false;
  if (queued_.empty()) {
    held_since_.reset();
    return;
  }
  if (abandoned_) return HandQueueToWriter();
  bool any_up = false;
  for (size_t i = 0; i < links_.size(); ++i) {
    Link& link = *links_[i];
    if (link.state == Link::State::kIdle && !queued_.empty() && MaySendNow()) {
      // Idle connections are not watched (a wait would keep a stopping event loop running),
      // so a server gone since the last batch is noticed here, before a batch is sent that
      // would then be in doubt for the whole outage.
      if (link.conn->Alive()) {
        Send(link, TakeBatch());
      } else {
        Drop(link);
      }
    }
    if (link.state == Link::State::kDown && Clock::now() >= link.retry_at) Connect(i);
    any_up = any_up || link.state == Link::State::kIdle || link.state == Link::State::kBusy;
  }
  if (!any_up) HandQueueToWriter();
}

std::vector<PgResetLoop::Job> PgResetLoop::TakeBatch() {
  // The statement resets a user once, so a user's later reset waits for another batch
  // (perhaps on another connection while this one is in flight: PostgreSQL's row lock then
  // orders the two, as it does two writer threads' resets).
  std::vector<Job> jobs;
  std::unordered_set<std::string_view> users;
  for (auto it = queued_.begin(); it != queued_.end() && jobs.size() < max_batch_;) {
    if (users.insert(it->job->audit.user_id).second) {
      jobs.push_back(std::move(*it));
      it = queued_.erase(it);
    } else {
      ++it;
    }
  }
  return jobs;
}

void PgResetLoop::HandQueueToWriter() {
  std::vector<Job> jobs(std::make_move_iterator(queued_.begin()),
                        std::make_move_iterator(queued_.end()));
  queued_.clear();
  HandToWriter(std::move(jobs));
}

bool PgResetLoop::MaySendNow() {
  size_t busy = 0;
  size_t in_flight = 0;
  for (const auto& link : links_) {
    if (link->state != Link::State::kBusy) continue;
    ++busy;
    in_flight += link->jobs.size();
  }
  if (busy == 0) {
    // The clients a batch has just answered send their next resets over HTTP one by one, and
    // the first to arrive would otherwise go out alone. The rest, arriving while it is in
    // flight, then make the second batch, and the connections settle into taking turns with
    // half the resets each: 4 per COMMIT at 8 clients, where one batch of all 8 costs
    // PostgreSQL about 40 % less CPU per reset (bench/RESULTS-postgres.md). So a batch with
    // none in flight waits for the resets lately answered to come back, but no longer than
    // the batch that answered them took (nor reset_hold_ms): a client that does not come back
    // costs the others at most one more batch's time. A lone client never waits: its own
    // next reset is the one awaited.
    if (awaited_ == 0 || queued_.size() >= max_batch_ || Clock::now() >= awaited_until_) {
      awaited_ = 0;
      held_since_.reset();
      return true;
    }
    FlushAt(awaited_until_);
    return false;
  }
  // A free connection could take the one or two resets that arrive first while another batch
  // is in flight, and then the clients that batch answers would come back to find both busy.
  // Batches would stay as small as the writer threads' were (2.6 resets at 8 clients), and
  // PostgreSQL's CPU per reset nearly doubles from 8 resets per COMMIT to 2.6
  // (bench/RESULTS-postgres.md). So another batch goes out only when it would be at least as
  // large as those in flight on average; until then its resets wait for the next free
  // connection or for more resets. At 8 clients that served 1.17 × the resets per second of
  // sending at once (A/B, 6 alternating rounds). A lone reset never waits: with one reset in
  // flight (stuck on a row lock, say), the next goes out at once. Nor does any wait longer
  // than reset_hold_ms, far longer than a batch takes while the database answers: a batch
  // stuck on a lock, or on a server that vanished, must not hold the rest.
  if (queued_.size() * busy >= in_flight) {
    held_since_.reset();
    return true;
  }
  const auto now = Clock::now();
  if (!held_since_) held_since_ = now;
  if (now - *held_since_ >= hold_limit_) {
    held_since_.reset();
    return true;
  }
  FlushAt(*held_since_ + hold_limit_);
  return false;
}

void PgResetLoop::FlushAt(Clock::time_point when) {
  if (flush_at_ && *flush_at_ <= when) return;  // that Flush looks again
  flush_at_ = when;
  const auto delay = std::max(Clock::duration::zero(), when - Clock::now());
  loop_.PostAfter(delay, [weak = weak_from_this(), when] {
    if (auto self = weak.lock()) {
      if (self->flush_at_ == when) self->flush_at_.reset();
      self->Flush();
    }
  });
}

void PgResetLoop::Connect(size_t index) {
  links_[index]->state = Link::State::kConnecting;
  writer_.SubmitConnect(
      [loop = &loop_, weak = weak_from_this(), index](std::unique_ptr<PgConnection> conn) {
        // A std::function must be copyable: the connection travels in a shared_ptr.
        std::shared_ptr<PgConnection> shared(std::move(conn));
        loop->Post([weak, index, shared] {
          if (auto self = weak.lock()) self->OnConnected(index, shared);
        });
      });
}

void PgResetLoop::OnConnected(size_t index, std::shared_ptr<PgConnection> conn) {
  Link& link = *links_[index];
  if (link.state != Link::State::kConnecting) return;  // abandoned meanwhile
  link.state = Link::State::kDown;
  link.retry_at = Clock::now() + kReconnectDelay;
  if (conn == nullptr) return Flush();  // hands what waits to the writer
  // Prepared by SubmitConnect: found without a round trip.
  StatusOr<std::string> statement = conn->Prepare(PipelinedResetSql(), "loop.prepare");
  std::unique_ptr<FdWatch> watch = loop_.Watch(PQsocket(conn->native()));
  if (!statement.ok() || watch == nullptr || PQsetnonblocking(conn->native(), 1) != 0 ||
      PQenterPipelineMode(conn->native()) != 1) {
    LOG_WARN(
        "postgres: cannot set up an I/O thread's reset connection; its resets take the "
        "writer's path");
    return Flush();
  }
  link.statement = std::move(statement).value();
  link.watch = std::move(watch);
  link.conn = std::move(conn);
  link.state = Link::State::kIdle;
  Flush();
}

void PgResetLoop::Send(Link& link, std::vector<Job> jobs) {
  link.jobs = std::move(jobs);
  link.batch = PipelinedResets();
  for (Job& job : link.jobs) {
    job.job->user.reset();
    link.batch.jobs.push_back(job.job.get());
    link.batch.candidates.push_back(model::DrawPinCandidate(*job.job->random));
  }
  link.batch.answers.assign(link.jobs.size(), PipelinedAnswer::kNotDone);
  link.token = PgWriter::RandomToken();
  link.sent_at = Clock::now();
  link.fault = commit_fault_ ? commit_fault_() : CommitFault::kNone;
  link.command = 0;
  for (auto& status : link.status) status = PGRES_FATAL_ERROR;
  link.answer.reset();
  link.sqlstate.clear();
  link.failed_command = -1;
  link.state = Link::State::kBusy;
  // As PgWriter::RunPipelined: READ COMMITTED, and a fault's stand-in for COMMIT (tests).
  const char* then = "COMMIT";
  if (link.fault == CommitFault::kLoseAnswerAfterRollback) then = "ROLLBACK";
  if (link.fault == CommitFault::kDropBeforeCommit) then = "SELECT 1";
  const Params params = PipelinedResetParams(link.batch, link.token);
  PGconn* conn = link.native();
  const bool queued =
      PQsendQueryParams(conn, "BEGIN ISOLATION LEVEL READ COMMITTED", 0, nullptr, nullptr, nullptr,
                        nullptr, 0) == 1 &&
      PQsendQueryPrepared(conn, link.statement.c_str(), params.size(), params.values(),
                          params.lengths(), params.formats(), /*resultFormat=*/0) == 1 &&
      PQsendQueryParams(conn, then, 0, nullptr, nullptr, nullptr, nullptr, 0) == 1 &&
      PQpipelineSync(conn) == 1;
  // Part of it may have gone out even so: only the commit marker can tell.
  if (!queued) return Finish(link, /*lost=*/true);
  OnWritable(link);
}

void PgResetLoop::OnWritable(Link& link) {
  if (link.state != Link::State::kBusy) return;
  const int flushed = PQflush(link.native());
  if (flushed < 0) return Finish(link, /*lost=*/true);
  if (flushed == 1) {
    // The socket's buffer is full: the rest when it drains (and the answer, which may free it).
    link.watch->WaitWritable([weak = weak_from_this(), l = &link] {
      if (auto self = weak.lock()) self->OnWritable(*l);
    });
    return;
  }
  WaitForAnswer(link);
}

void PgResetLoop::WaitForAnswer(Link& link) {
  link.watch->WaitReadable([weak = weak_from_this(), l = &link] {
    if (auto self = weak.lock()) self->OnReadable(*l);
  });
}

void PgResetLoop::OnReadable(Link& link) {
  if (link.state != Link::State::kBusy) return;
  PGconn* conn = link.native();
  if (PQconsumeInput(conn) != 1) return Finish(link, /*lost=*/true);
  // Each command's results end with a null; the pipeline ends with PGRES_PIPELINE_SYNC. After
  // a failed command, the others report PGRES_PIPELINE_ABORTED.
  while (PQisBusy(conn) == 0) {
    PGresult* res = PQgetResult(conn);
    if (res == nullptr) {
      if (PQstatus(conn) != CONNECTION_OK) return Finish(link, /*lost=*/true);
      ++link.command;
      continue;
    }
    const ExecStatusType status = PQresultStatus(res);
    if (status == PGRES_PIPELINE_SYNC) {
      PQclear(res);
      return Finish(link, /*lost=*/false);
    }
    if (link.command >= kCommands) {
      PQclear(res);  // nothing is expected here; the pipeline's end will come
      continue;
    }
    link.status[link.command] = status;
    if (status == PGRES_FATAL_ERROR && link.sqlstate.empty()) {
      // Only the server's errors carry a SQLSTATE; libpq's own (a lost connection) do not.
      const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
      if (state != nullptr) {
        link.sqlstate = state;
        link.failed_command = link.command;
      }
    }
    if (link.command == 1 && status == PGRES_TUPLES_OK) {
      link.answer.emplace(res);
    } else {
      PQclear(res);
    }
    if (PQstatus(conn) != CONNECTION_OK) return Finish(link, /*lost=*/true);
  }
  WaitForAnswer(link);
}

void PgResetLoop::Finish(Link& link, bool lost) {
  const auto now = Clock::now();
  if (slow_batch_.Slow(now - link.sent_at)) {
    const size_t n = link.jobs.size();
    if (auto line = slow_batch_.Observe(now, now - link.sent_at,
                                        std::to_string(n) + (n == 1 ? " reset" : " resets"))) {
      LOG_WARN(*line);
    }
  }
  if (link.fault != CommitFault::kNone) {
    // As PgWriter::RunPipelined's faults: the connection drops once the server has done what
    // it was sent, before any answer is read, or (kLoseCommitAnswer) before COMMIT's only.
    ::shutdown(PQsocket(link.native()), SHUT_RDWR);
    if (link.fault != CommitFault::kLoseCommitAnswer) link.answer.reset();
    return HandInDoubt(link);
  }
  // The server refused BEGIN or the statement: the pipeline stopped there and COMMIT never
  // ran, even if the connection is gone too. That includes a server ending the session
  // (a failover, a shutdown, pg_terminate_backend), which says so before it closes, perhaps
  // before the batch arrived: the batch is not in doubt, and its resets may fail as stale.
  const bool refused_before_commit = link.failed_command == 0 || link.failed_command == 1;
  if (lost && !refused_before_commit) return HandInDoubt(link);
  bool ok = link.status[0] == PGRES_COMMAND_OK && link.status[1] == PGRES_TUPLES_OK &&
            link.status[2] == PGRES_COMMAND_OK && link.answer.has_value();
  if (ok) return Answer(link);
  // The first failure (logged here): the server's refusal, or its way of saying it is leaving
  // (a failover, a shutdown: Failure::kConnection). At COMMIT, the latter leaves COMMIT's
  // outcome unknown.
  const Failure failure = ClassifyPgError(link.sqlstate, "", "loop.reset").failure;
  if (!refused_before_commit && failure == Failure::kConnection) return HandInDoubt(link);
  // Refused before COMMIT, or at it: nothing committed. The writer runs them again and reports
  // an error that persists. The session may be left in a failed transaction: start afresh.
  refused_.fetch_add(1);
  std::vector<Job> jobs = std::move(link.jobs);
  Drop(link);
  HandToWriter(std::move(jobs));
  ScheduleFlush();  // not Flush: Send, inside Flush, may have come here
}

void PgResetLoop::Answer(Link& link) {
  std::vector<Job> jobs = std::move(link.jobs);
  PipelinedResets batch = std::move(link.batch);
  const Status read = ReadPipelinedAnswers(*link.answer, batch);
  link.answer.reset();
  link.state = Link::State::kIdle;
  batches_.fetch_add(1);
  // Their clients may send their next resets now (MaySendNow); counted before the answers go
  // out, as a client may send its next before this returns.
  const auto now = Clock::now();
  if (now >= awaited_until_) awaited_ = 0;
  awaited_ += jobs.size();
  awaited_until_ = now + std::min<Clock::duration>(now - link.sent_at, hold_limit_);
  std::vector<Job> rest;
  for (size_t k = 0; k < jobs.size(); ++k) {
    Job& job = jobs[k];
    if (!read.ok()) {
      // Committed, but which reset did what is unknown: running any again could reset a user
      // twice (as PgWriter's kUnknown).
      CallDone(job.done, read);
      continue;
    }
    switch (batch.answers[k]) {
      case PipelinedAnswer::kTaken:
        --job.job->max_attempts;  // one candidate spent, as model::AllocatePin counts
        [[fallthrough]];
      case PipelinedAnswer::kNotDone:
        rest.push_back(std::move(job));
        continue;
      case PipelinedAnswer::kDone:
        resets_.fetch_add(1);
        CallDone(job.done, OkStatus());
        continue;
      case PipelinedAnswer::kDoneGone:
        // Committed, and then its account was deleted: never run again (PgWriter's reasoning).
        resets_.fetch_add(1);
        CallDone(job.done, AccountNotFound(job.job->audit.account_id));
        continue;
      case PipelinedAnswer::kUndecoded:
        CallDone(job.done, InternalError());
        continue;
    }
  }
  // The writer answers these, later.
  awaited_ -= std::min(awaited_, rest.size());
  if (!rest.empty()) HandToWriter(std::move(rest));
  Flush();
}

void PgResetLoop::HandInDoubt(Link& link) {
  in_doubt_.fetch_add(1);
  auto in_doubt = std::make_shared<InDoubtResets>();
  for (Job& job : link.jobs) {
    in_doubt->jobs.push_back(std::move(job.job));
    in_doubt->dones.push_back(std::move(job.done));
  }
  in_doubt->batch = std::move(link.batch);
  in_doubt->token = std::move(link.token);
  in_doubt->answer = std::move(link.answer);
  link.jobs.clear();
  link.answer.reset();
  Drop(link);
  writer_.SubmitInDoubt(std::move(in_doubt));
  ScheduleFlush();  // not Flush: Send, inside Flush, may have come here
}

void PgResetLoop::HandToWriter(std::vector<Job> jobs) {
  handed_.fetch_add(static_cast<int64_t>(jobs.size()));
  for (Job& job : jobs) writer_.SubmitReset(std::move(job.job), std::move(job.done));
}

void PgResetLoop::Drop(Link& link) {
  link.watch.reset();  // before the socket it watches a copy of goes
  link.conn.reset();
  link.state = Link::State::kDown;
  link.retry_at = Clock::now();  // at once: the server answered a moment ago
}

void PgResetLoop::Abandon() {
  abandoned_ = true;
  for (auto& link : links_) {
    if (link->state == Link::State::kBusy) {
      LOG_WARN("postgres: closing with a reset batch in flight; resolving its outcome");
      // Closed first, so that the server ends the transaction and the writer learns how.
      link->watch.reset();
      link->conn.reset();
      HandInDoubt(*link);
    }
    Drop(*link);
  }
  Flush();  // hands the queue to the writer
}

PgResetLoopStats& PgResetLoopStats::operator+=(const PgResetLoopStats& other) {
  batches += other.batches;
  resets += other.resets;
  handed += other.handed;
  in_doubt += other.in_doubt;
  refused += other.refused;
  return *this;
}

PgResetLoopStats PgResetLoop::stats() const {
  PgResetLoopStats s;
  s.batches = batches_.load();
  s.resets = resets_.load();
  s.handed = handed_.load();
  s.in_doubt = in_doubt_.load();
  s.refused = refused_.load();
  return s;
}

}  // namespace chime::store::postgres
