#include "api/operations/settings_json.h"

#include <rapidjson/document.h>

namespace chime::api {
namespace {

using rapidjson::Value;

void BoolMember(JsonWriter& w, const char* key, bool v) {
  w.Key(key);
  w.Bool(v);
}

template <typename WriteFn>
std::string Encode(WriteFn write) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  write(w);
  return {buf.GetString(), buf.GetSize()};
}

Status Damaged(const char* kind) {
  return Internal(std::string("The stored ") + kind + " document is damaged.");
}

// Parses a stored document into an object, or reports it damaged.
StatusOr<rapidjson::Document> ParseStored(const std::string& doc, const char* kind) {
  rapidjson::Document d;
  d.Parse(doc.data(), doc.size());
  if (d.HasParseError() || !d.IsObject()) return Damaged(kind);
  return d;
}

void ReadBool(const Value& obj, const char* key, bool* out) {
  auto it = obj.FindMember(key);
  if (it != obj.MemberEnd() && it->value.IsBool()) *out = it->value.GetBool();
}

std::optional<int64_t> ReadInt(const Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsInt64()) return std::nullopt;
  return it->value.GetInt64();
}

const Value* ReadObject(const Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  return it != obj.MemberEnd() && it->value.IsObject() ? &it->value : nullptr;
}

void WriteCdr(JsonWriter& w, const char* key, const std::optional<model::CdrSettings>& s) {
  if (!s) return;
  w.Key(key);
  w.StartObject();
  if (s->cdr_bucket) {
    w.Key("CdrBucket");
    WriteString(w, *s->cdr_bucket);
  }
  w.EndObject();
}

std::optional<model::CdrSettings> ReadCdr(const Value& obj, const char* key) {
  const Value* s = ReadObject(obj, key);
  if (!s) return std::nullopt;
  model::CdrSettings out;
  auto it = s->FindMember("CdrBucket");
  if (it != s->MemberEnd() && it->value.IsString()) {
    out.cdr_bucket = std::string(it->value.GetString(), it->value.GetStringLength());
  }
  return out;
}

}  // namespace

void WriteAccountSettings(JsonWriter& w, const model::AccountSettings& s) {
  w.StartObject();
  BoolMember(w, "DisableRemoteControl", s.disable_remote_control);
  BoolMember(w, "EnableDialOut", s.enable_dial_out);
  w.EndObject();
}

void WriteUserSettings(JsonWriter& w, const model::UserSettings& s) {
  w.StartObject();
  w.Key("Telephony");
  w.StartObject();
  BoolMember(w, "InboundCalling", s.telephony.inbound_calling);
  BoolMember(w, "OutboundCalling", s.telephony.outbound_calling);
  BoolMember(w, "SMS", s.telephony.sms);
  w.EndObject();
  w.EndObject();
}

void WriteRetentionSettings(JsonWriter& w, const model::RetentionSettings& s) {
  w.StartObject();
  for (auto [key, days] :
       {std::pair{"RoomRetentionSettings", s.room_retention_days},
        std::pair{"ConversationRetentionSettings", s.conversation_retention_days}}) {
    if (!days) continue;
    w.Key(key);
    w.StartObject();
    w.Key("RetentionDays");
    w.Int(*days);
    w.EndObject();
  }
  w.EndObject();
}

void WriteGlobalSettingsMembers(JsonWriter& w, const model::GlobalSettings& s) {
  WriteCdr(w, "BusinessCalling", s.business_calling);
  WriteCdr(w, "VoiceConnector", s.voice_connector);
}

std::string EncodeAccountSettings(const model::AccountSettings& s) {
  return Encode([&](JsonWriter& w) { WriteAccountSettings(w, s); });
}

std::string EncodeUserSettings(const model::UserSettings& s) {
  return Encode([&](JsonWriter& w) { WriteUserSettings(w, s); });
}

std::string EncodeRetentionSettings(const model::RetentionSettings& s) {
  return Encode([&](JsonWriter& w) {
    w.StartObject();
    w.Key("RetentionSettings");
    WriteRetentionSettings(w, s);
    if (s.initiate_deletion_ms) {
      w.Key("InitiateDeletionMs");
      w.Int64(*s.initiate_deletion_ms);
    }
    w.EndObject();
  });
}

std::string EncodeGlobalSettings(const model::GlobalSettings& s) {
  return Encode([&](JsonWriter& w) {
    w.StartObject();
    WriteGlobalSettingsMembers(w, s);
    w.EndObject();
  });
}

StatusOr<model::AccountSettings> DecodeAccountSettings(const std::optional<std::string>& doc) {
  model::AccountSettings s;
  if (!doc) return s;
  ASSIGN_OR_RETURN(auto d, ParseStored(*doc, "account settings"));
  ReadBool(d, "DisableRemoteControl", &s.disable_remote_control);
  ReadBool(d, "EnableDialOut", &s.enable_dial_out);
  return s;
}

StatusOr<model::UserSettings> DecodeUserSettings(const std::optional<std::string>& doc) {
  model::UserSettings s;
  if (!doc) return s;
  ASSIGN_OR_RETURN(auto d, ParseStored(*doc, "user settings"));
  const Value* t = ReadObject(d, "Telephony");
  if (!t) return Damaged("user settings");
  ReadBool(*t, "InboundCalling", &s.telephony.inbound_calling);
  ReadBool(*t, "OutboundCalling", &s.telephony.outbound_calling);
  ReadBool(*t, "SMS", &s.telephony.sms);
  return s;
}

StatusOr<model::RetentionSettings> DecodeRetentionSettings(const std::optional<std::string>& doc) {
  model::RetentionSettings s;
  if (!doc) return s;
  ASSIGN_OR_RETURN(auto d, ParseStored(*doc, "retention settings"));
  const Value* r = ReadObject(d, "RetentionSettings");
  if (!r) return Damaged("retention settings");
  for (auto [key, out] :
       {std::pair{"RoomRetentionSettings", &s.room_retention_days},
        std::pair{"ConversationRetentionSettings", &s.conversation_retention_days}}) {
    const Value* inner = ReadObject(*r, key);
    if (!inner) continue;
    if (auto days = ReadInt(*inner, "RetentionDays")) *out = static_cast<int>(*days);
  }
  s.initiate_deletion_ms = ReadInt(d, "InitiateDeletionMs");
  return s;
}

StatusOr<model::GlobalSettings> DecodeGlobalSettings(const std::optional<std::string>& doc) {
  model::GlobalSettings s;
  if (!doc) return s;
  ASSIGN_OR_RETURN(auto d, ParseStored(*doc, "global settings"));
  s.business_calling = ReadCdr(d, "BusinessCalling");
  s.voice_connector = ReadCdr(d, "VoiceConnector");
  return s;
}

}  // namespace chime::api
