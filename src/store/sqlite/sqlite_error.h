// Turning SQLite result codes into client-safe Status values. The real error (code, SQLite's
// message, the operation) goes to the log; the Status carries only a message a client may see:
// no SQL, no file paths, no "database is locked", no bound values.
#pragma once

#include <string_view>

#include "common/status.h"

struct sqlite3;

namespace chime::store::sqlite {

inline constexpr char kUnavailableMessage[] =
    "The data store is temporarily unavailable; retry the request.";
inline constexpr char kInternalMessage[] = "Internal data store error.";

// kUnavailable with a retry hint: the client should simply try again a little later.
Status UnavailableError();
// kInternal for anything the client cannot fix by retrying.
Status InternalError();

// Maps a failed result code `rc` (extended codes welcome) from connection `db` (may be null) to:
//   BUSY, LOCKED, FULL, IOERR, READONLY, CANTOPEN, NOMEM, PROTOCOL -> kUnavailable;
//   CONSTRAINT -> kConflict with a generic message (callers check uniqueness first so that
//                 clients normally get a specific one; this is the backstop);
//   anything else -> kInternal.
// Logs `op` (a fixed label such as "users.insert") with SQLite's own description at warn level.
Status MapSqliteError(int rc, sqlite3* db, std::string_view op);

}  // namespace chime::store::sqlite
