// PgWriter's per-thread state, shared by pg_writer.cc and pg_writer_resets.cc only.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "common/slow_warning.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_tx.h"
#include "store/postgres/pg_writer.h"

namespace chime::store::postgres {

struct PgWriter::Worker {
  explicit Worker(std::chrono::milliseconds slow_warning)
      : slow_batch("postgres write batch", slow_warning) {}

  std::unique_ptr<PgConnection> conn;
  std::chrono::steady_clock::time_point next_sweep = std::chrono::steady_clock::now();
  SlowWarning slow_batch;
  int64_t retries = 0;  // this thread's transactions run again, for its slow-batch warnings
  Snapshots snapshots = Snapshots::kOne;  // of the transaction RunOnce has open
};

}  // namespace chime::store::postgres
