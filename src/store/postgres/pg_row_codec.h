// How model objects map to PostgreSQL rows. The layout mirrors the SQLite store's (enums as their
// wire spelling, lists as JSON arrays of strings) so that `chimed migrate-store` is a plain copy
// and both databases read the same with their own shells. A row that does not decode means it
// was edited by hand: kInternal.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "common/status.h"
#include "model/types.h"
#include "store/postgres/pg_connection.h"
#include "store/row_format.h"  // column lists shared with the SQLite store
#include "store/store.h"

namespace chime::store::postgres {

// Appends every column but seq ($1..$9 in kAccountColumns order).
void AddAccount(Params& p, const model::Account& account);
// Appends every column but seq ($1..$14 in kUserColumns order).
void AddUser(Params& p, const model::User& user);
// Appends $1..$8 in kAccessKeyColumns order.
void AddAccessKey(Params& p, const AccessKeyRecord& key);

// Decode row `row`; the seq comes back alongside for pagination.
StatusOr<std::pair<int64_t, model::Account>> ReadAccount(const PgResult& r, int row);
StatusOr<std::pair<int64_t, model::User>> ReadUser(const PgResult& r, int row);
AccessKeyRecord ReadAccessKey(const PgResult& r, int row);

}  // namespace chime::store::postgres
