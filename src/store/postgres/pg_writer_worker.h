// PgWriter's per-thread state, shared by pg_writer.cc and pg_writer_resets.cc only.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_writer.h"

namespace chime::store::postgres {

// Calls `done`, which belongs to the caller: an exception from it must not kill a writer thread.
void CallDone(const DoneFn& done, Status status);

struct PgWriter::Worker {
  std::unique_ptr<PgConnection> conn;
  std::chrono::steady_clock::time_point next_sweep = std::chrono::steady_clock::now();
  int64_t retries = 0;  // this thread's transactions run again, for its slow-batch warnings
};

}  // namespace chime::store::postgres
