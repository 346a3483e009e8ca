// How model objects map to table rows: enums as their wire spelling (readable with the sqlite3
// shell, stable if the C++ enum order changes), lists as JSON arrays of strings.
// A row that does not decode means the file was edited by hand or is corrupt: kInternal.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "model/types.h"
#include "store/sqlite/connection.h"
#include "store/store.h"

namespace chime::store::sqlite {

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

std::string EncodeStringList(const std::vector<std::string>& values);
std::string EncodeLicenses(const std::vector<model::LicenseType>& licenses);

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
