// The settings documents as JSON: the wire form of GetAccountSettings, GetUserSettings,
// GetRetentionSettings and GetGlobalSettings, and the stored form (Tx::GetDocument /
// PutDocument), which is the same JSON so a stored document can be read by eye.
// A document never written decodes to the defaults of model/settings.h.
#pragma once

#include <optional>
#include <string>

#include "api/render.h"
#include "common/status.h"
#include "model/settings.h"

namespace chime::api {

// Document kinds and keys. Keys are the account or user id, so that Tx::DeleteAccount removes
// an account's documents with it.
inline constexpr const char* kAccountSettingsKind = "account-settings";
inline constexpr const char* kUserSettingsKind = "user-settings";
inline constexpr const char* kRetentionSettingsKind = "retention-settings";
inline constexpr const char* kGlobalSettingsKind = "global-settings";
inline constexpr const char* kGlobalSettingsKey = "global";

void WriteAccountSettings(JsonWriter& w, const model::AccountSettings& s);
void WriteUserSettings(JsonWriter& w, const model::UserSettings& s);
// The RetentionSettings object (without InitiateDeletionTimestamp, which sits beside it).
void WriteRetentionSettings(JsonWriter& w, const model::RetentionSettings& s);
// The members of GetGlobalSettingsResponse, written into an open object.
void WriteGlobalSettingsMembers(JsonWriter& w, const model::GlobalSettings& s);

std::string EncodeAccountSettings(const model::AccountSettings& s);
std::string EncodeUserSettings(const model::UserSettings& s);
std::string EncodeRetentionSettings(const model::RetentionSettings& s);
std::string EncodeGlobalSettings(const model::GlobalSettings& s);

// nullopt (never written) → defaults. kInternal when a stored document does not parse, which
// only a damaged database can cause.
StatusOr<model::AccountSettings> DecodeAccountSettings(const std::optional<std::string>& doc);
StatusOr<model::UserSettings> DecodeUserSettings(const std::optional<std::string>& doc);
StatusOr<model::RetentionSettings> DecodeRetentionSettings(const std::optional<std::string>& doc);
StatusOr<model::GlobalSettings> DecodeGlobalSettings(const std::optional<std::string>& doc);

}  // namespace chime::api
