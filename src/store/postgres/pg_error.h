// Turning PostgreSQL errors into client-safe Status values, and deciding what a failed
// statement means for the transaction around it. The real error (SQLSTATE, the operation, the
// constraint name) goes to the log; server messages are not logged, because some of them quote
// the offending value (a unique violation's DETAIL names the PIN). The Status carries only a
// message a client may see: no SQL, no host names, no bound values.
#pragma once

#include <string_view>

#include "common/status.h"

struct pg_result;

namespace chime::store::postgres {

inline constexpr char kUnavailableMessage[] =
    "The data store is temporarily unavailable; retry the request.";
inline constexpr char kInternalMessage[] = "Internal data store error.";

// kUnavailable with a retry hint: the client should simply try again a little later.
Status UnavailableError();
// kInternal for anything the client cannot fix by retrying.
Status InternalError();

// What a failed statement means for the work around it.
enum class Failure {
  kStatement,      // this statement failed; the connection is fine (constraint, bad data ...)
  kSerialization,  // 40001 / 40P01: the whole transaction must be retried from the start
  kConnection,     // the connection is gone or the server is leaving (failover, shutdown)
};

struct PgError {
  Status status;
  Failure failure = Failure::kStatement;
};

// Whether `sqlstate` says the connection is gone or the server is leaving: class 08,
// 57P01-57P03 (a shutdown, a crash, a server starting or stopping), 25006 (read-only: the
// server is a standby now), or "" (none came: the connection broke).
bool IsConnectionState(std::string_view sqlstate);

// Classifies SQLSTATE `sqlstate` ("" when the server sent none, i.e. the connection broke):
//   class 08, 57P01-57P03, 25006 (read-only: the server is a standby now), "" -> kConnection,
//     kUnavailable;
//   40001, 40P01 -> kSerialization, kUnavailable;
//   53xxx (disk full, out of memory, too many connections), 55P03, 57014 -> kUnavailable;
//   23505, 23503 -> kConflict with a generic message (callers check first so that clients
//     normally get a specific one; this is the backstop);
//   22xxx (a value PostgreSQL cannot hold, such as a NUL byte) -> kInvalidArgument;
//   anything else -> kInternal.
// Logs `op` (a fixed label such as "users.insert"), the SQLSTATE and `constraint` (may be "").
PgError ClassifyPgError(std::string_view sqlstate, std::string_view constraint,
                        std::string_view op);

}  // namespace chime::store::postgres
