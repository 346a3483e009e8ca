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
#include "store/store.h"

namespace chime::store::postgres {

// Column lists, in the order the Read* functions below expect them.
inline constexpr char kAccountColumns[] =
    "seq, account_id, aws_account_id, name, account_type, created_ms, default_license, "
    "supported_licenses, status, signin_delegate_groups";
inline constexpr char kUserColumns[] =
    "seq, user_id, account_id, primary_email, primary_provisioned_number, display_name, "
    "license_type, user_type, registration_status, invitation_status, registered_ms, "
    "invited_ms, alexa_enabled, alexa_room_arn, pin";
inline constexpr char kAccessKeyColumns[] =
    "access_key_id, name, encrypted_secret, session_token_hash, policy_json, enabled, "
    "created_ms, last_used_ms";

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
