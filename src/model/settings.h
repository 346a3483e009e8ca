// The settings documents of the Chime API as chimed stores them: per account (AccountSettings,
// RetentionSettings), per user (UserSettings) and per deployment (global settings). Plain data
// with the defaults a never-written document has; JSON lives in the api layer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace chime::model {

// Ranges of the model's integer members.
inline constexpr int kMinRetentionDays = 1;
inline constexpr int kMaxRetentionDays = 5475;

// GetAccountSettings before any update answers both false, as Amazon Chime did.
struct AccountSettings {
  bool disable_remote_control = false;
  bool enable_dial_out = false;
};

// GetUserSettings before any update answers every permission true, as Amazon Chime's
// documented example shows for a user of a Business Calling account.
struct TelephonySettings {
  bool inbound_calling = true;
  bool outbound_calling = true;
  bool sms = true;
};
struct UserSettings {
  TelephonySettings telephony;
};

// Absent days mean "no retention policy" for that kind of message. InitiateDeletionTimestamp
// is the time the current policy was put (when deletion under it started); absent when no
// policy is set.
struct RetentionSettings {
  std::optional<int> room_retention_days;
  std::optional<int> conversation_retention_days;
  std::optional<int64_t> initiate_deletion_ms;
};

// Global (deployment-wide) settings: the S3 buckets for call detail records. A structure is
// present once set; its CdrBucket may still be absent.
struct CdrSettings {
  std::optional<std::string> cdr_bucket;
};
struct GlobalSettings {
  std::optional<CdrSettings> business_calling;
  std::optional<CdrSettings> voice_connector;
};

}  // namespace chime::model
