// The row layout both stores share: column lists, enums stored as their wire spelling (readable
// with either database's shell, stable if the C++ enum order changes) and lists as JSON arrays
// of strings. Sharing it keeps `chimed migrate-store` a plain copy.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/types.h"

namespace chime::store {

// Column lists, in the order the stores' Read* functions expect them.
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
// nullopt when `json` is not an array of strings.
std::optional<std::vector<std::string>> DecodeStringList(const std::string& json);

// The model offers parsers for only some enums; every enum has ToString, so invert it.
// `count` is the number of enumerators (they are dense from zero).
template <typename E>
std::optional<E> ParseEnum(std::string_view text, int count) {
  for (int i = 0; i < count; ++i) {
    E value = static_cast<E>(i);
    if (model::ToString(value) == text) return value;
  }
  return std::nullopt;
}

}  // namespace chime::store
