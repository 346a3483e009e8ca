#include "store/sqlite/sqlite_error.h"

#include <sqlite3.h>

#include "common/log.h"

namespace chime::store::sqlite {

// Clients retry 503s; one second keeps a burst of retries from piling onto a struggling disk.
constexpr int kRetryAfterMs = 1000;

Status UnavailableError() {
  return Unavailable(kUnavailableMessage).WithRetryAfterMs(kRetryAfterMs);
}

Status InternalError() { return Internal(kInternalMessage); }

Status MapSqliteError(int rc, sqlite3* db, std::string_view op) {
  // sqlite3_errmsg names tables and columns, never bound values, so it is safe to log.
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL:
      LOG_WARN("sqlite " << op << " failed (code " << rc << "): " << detail);
      return UnavailableError();
    case SQLITE_CONSTRAINT:
      LOG_WARN("sqlite " << op << " violated a constraint (code " << rc << "): " << detail);
      return Conflict("The change conflicts with existing data.");
    default:
      LOG_ERROR("sqlite " << op << " failed (code " << rc << "): " << detail);
      return InternalError();
  }
}

}  // namespace chime::store::sqlite
