// How model objects map to SQLite rows, in the layout of store/row_format.h.
// A row that does not decode means the file was edited by hand or is corrupt: kInternal.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "model/types.h"
#include "store/row_format.h"  // column lists and list/enum encodings shared with PostgreSQL
#include "store/sqlite/connection.h"
#include "store/store.h"

namespace chime::store::sqlite {

// Binds every column but seq, as ?1..?9 in kAccountColumns order.
void BindAccount(Stmt& stmt, const model::Account& account);
// Binds every column but seq, as ?1..?14 in kUserColumns order.
void BindUser(Stmt& stmt, const model::User& user);
// Binds ?1..?8 in kAccessKeyColumns order.
void BindAccessKey(Stmt& stmt, const AccessKeyRecord& key);

// Decode the current row; the seq comes back alongside for pagination.
StatusOr<std::pair<int64_t, model::Account>> ReadAccount(const Stmt& stmt);
StatusOr<std::pair<int64_t, model::User>> ReadUser(const Stmt& stmt);
AccessKeyRecord ReadAccessKey(const Stmt& stmt);

}  // namespace chime::store::sqlite
