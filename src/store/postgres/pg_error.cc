#include "store/postgres/pg_error.h"

#include <string>

#include "common/log.h"

namespace chime::store::postgres {

// Clients retry 503s; one second keeps a burst of retries from piling onto a struggling server.
constexpr int kRetryAfterMs = 1000;

Status UnavailableError() {
  return Unavailable(kUnavailableMessage).WithRetryAfterMs(kRetryAfterMs);
}

Status InternalError() { return Internal(kInternalMessage); }

bool IsConnectionState(std::string_view s) {
  return s.empty() || s.substr(0, 2) == "08" || s == "57P01" || s == "57P02" || s == "57P03" ||
         s == "25006";
}

PgError ClassifyPgError(std::string_view sqlstate, std::string_view constraint,
                        std::string_view op) {
  const std::string state = sqlstate.empty() ? std::string("none") : std::string(sqlstate);
  if (IsConnectionState(sqlstate)) {
    LOG_WARN("postgres " << op << " lost its connection (sqlstate " << state << ")");
    return {UnavailableError(), Failure::kConnection};
  }
  if (sqlstate == "40001" || sqlstate == "40P01") {
    LOG_DEBUG("postgres " << op << " must retry (sqlstate " << state << ")");
    return {UnavailableError(), Failure::kSerialization};
  }
  if (sqlstate.substr(0, 2) == "53" || sqlstate == "55P03" || sqlstate == "57014") {
    LOG_WARN("postgres " << op << " failed (sqlstate " << state << ")");
    return {UnavailableError(), Failure::kStatement};
  }
  if (sqlstate == "23505" || sqlstate == "23503") {
    LOG_WARN("postgres " << op << " violated constraint " << constraint << " (sqlstate " << state
                         << ")");
    return {Conflict("The change conflicts with existing data."), Failure::kStatement};
  }
  if (sqlstate.substr(0, 2) == "22") {
    LOG_WARN("postgres " << op << " refused a value (sqlstate " << state << ")");
    return {InvalidArgument("The request contains a value the data store cannot hold."),
            Failure::kStatement};
  }
  LOG_ERROR("postgres " << op << " failed (sqlstate " << state << ")");
  return {InternalError(), Failure::kStatement};
}

}  // namespace chime::store::postgres
