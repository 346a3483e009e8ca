// PgResetLoop: ResetPersonalPIN's writes sent by the I/O thread that read the requests, on its
// own event loop (common/event_loop.h), instead of being handed to a writer thread and back.
//
// Why: at 8 clients, handing each reset from the I/O thread to a writer and the answer back
// cost chimed about 30 % of what its store does without HTTP, in thread wake-ups and in the
// small batches they leave (bench/RESULTS-postgres.md). Here nothing changes threads on the
// way: the resets read since the last send become one batch, sent on a free connection as the
// writer's pipelined batch is (BEGIN, the statement of pg_pipelined_resets.h and COMMIT in one
// round trip), and answered on the same thread when PostgreSQL's answer arrives. While a batch
// is in flight, another goes out only once it would be as large, or once its resets have waited
// reset_hold_ms; with none in flight, the first waits briefly for the clients of the batch just
// answered (MaySendNow).
//
// Only that fast path runs here; whatever may block goes to PgWriter's threads, which have
// always done it:
// - a reset the statement did not do (a taken candidate, a user that may not reset, whose
//   error the ordinary path diagnoses), a user's second reset in a batch once its first is
//   answered, and a whole batch the server refused: SubmitReset, as if queued there at first;
// - a batch whose connection broke before COMMIT's answer: SubmitInDoubt, which resolves its
//   commit marker and reads its answers back (no 2xx for a write that did not commit, no 5xx
//   for one that did);
// - connecting (which may wait for a failover): SubmitConnect. While no connection of the loop
//   is up, its resets go to SubmitReset.
//
// One loop per event loop and store (PgStore::ResetPin). Everything but the constructor runs on
// the event loop's thread, except Abandon, which runs once that thread has stopped running it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "common/event_loop.h"
#include "common/slow_warning.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_pipelined_resets.h"
#include "store/postgres/pg_tx.h"  // PinResetJob
#include "store/postgres/pg_writer.h"
#include "store/store.h"

namespace chime::store::postgres {

struct PgResetLoopStats {
  int64_t batches = 0;   // pipelines that committed and were answered here
  int64_t resets = 0;    // resets answered here
  int64_t handed = 0;    // resets handed to the writer threads (SubmitReset)
  int64_t in_doubt = 0;  // batches handed over with their outcome unknown (SubmitInDoubt)
  int64_t refused = 0;   // batches the server refused (then handed over)

  PgResetLoopStats& operator+=(const PgResetLoopStats& other);
};

class PgResetLoop : public std::enable_shared_from_this<PgResetLoop> {
 public:
  // `loop` and `writer` must outlive this object. From `options` (the writer's): `threads`
  // connections, so as many batches in flight at most; max_batch, slow_write_warning_ms and
  // commit_fault (tests) as the writer uses them.
  PgResetLoop(EventLoop& loop, PgWriter& writer, const PgWriterOptions& options);
  ~PgResetLoop();
  PgResetLoop(const PgResetLoop&) = delete;
  PgResetLoop& operator=(const PgResetLoop&) = delete;

  // Queues a reset, as PgWriter::SubmitReset does; `done` runs on this thread (or a writer's,
  // for what was handed over). On the loop's thread only.
  void Submit(std::shared_ptr<PinResetJob> job, DoneFn done);

  // Hands everything queued or in flight to the writer (a batch in flight as in doubt) and
  // closes the connections. For PgStore::Close, once the event loop has stopped running.
  void Abandon();

  PgResetLoopStats stats() const;

 private:
  struct Job {
    std::shared_ptr<PinResetJob> job;
    DoneFn done;
  };
  struct Link;

  void ScheduleFlush();
  // Sends what is queued on the free connections; hands it to the writer when none is up.
  void Flush();
  // Takes the next batch from the queue: its first max_batch resets of distinct users.
  std::vector<Job> TakeBatch();
  void HandQueueToWriter();
  // Whether a free connection may take a batch now. With none in flight: once the resets
  // lately answered have come back (awaited_), or their window has passed. With some in
  // flight: once what is queued makes a batch as large as those in flight, or it has waited
  // reset_hold_ms. Until then a Flush is armed for when the wait ends.
  bool MaySendNow();
  // Arms one Flush at `when` (a later arming while one is armed waits for that one).
  void FlushAt(std::chrono::steady_clock::time_point when);
  void Connect(size_t link);
  void OnConnected(size_t link, std::shared_ptr<PgConnection> conn);
  void Send(Link& link, std::vector<Job> jobs);
  void WaitForAnswer(Link& link);
  void OnWritable(Link& link);
  void OnReadable(Link& link);
  // The pipeline's end (PGRES_PIPELINE_SYNC), or its connection lost (`lost`).
  void Finish(Link& link, bool lost);
  void Answer(Link& link);
  void HandInDoubt(Link& link);
  void HandToWriter(std::vector<Job> jobs);
  void Drop(Link& link);

  EventLoop& loop_;
  PgWriter& writer_;
  const size_t max_batch_;
  const std::function<CommitFault()> commit_fault_;
  const std::chrono::milliseconds hold_limit_;
  SlowWarning slow_batch_;
  std::vector<std::unique_ptr<Link>> links_;
  std::deque<Job> queued_;
  bool flush_posted_ = false;
  bool abandoned_ = false;  // by Abandon: everything goes to the writer from then on
  // Since when MaySendNow has held the queue back (unset: it is not holding it).
  std::optional<std::chrono::steady_clock::time_point> held_since_;
  // When the armed Flush runs (unset: none is armed).
  std::optional<std::chrono::steady_clock::time_point> flush_at_;
  // Resets answered here whose clients have not sent another since (each Submit counts one
  // back), and until when a batch with none in flight waits for them.
  size_t awaited_ = 0;
  std::chrono::steady_clock::time_point awaited_until_{};

  std::atomic<int64_t> batches_{0};
  std::atomic<int64_t> resets_{0};
  std::atomic<int64_t> handed_{0};
  std::atomic<int64_t> in_doubt_{0};
  std::atomic<int64_t> refused_{0};
};

}  // namespace chime::store::postgres
