// Chime's output shapes as JSON, exactly as the model names them: absent members are omitted
// (never null), timestamps are ISO 8601 with milliseconds and Z.
#pragma once

#include <string>

#include <rapidjson/stringbuffer.h>

#include "api/json_writer.h"
#include "model/types.h"

namespace chime::api {

// Writes an Account object (the value, not the {"Account": ...} wrapper).
void WriteAccount(JsonWriter& w, const model::Account& account);
// Writes a User object. The PIN is written only when `with_pin` (GetUser, ResetPersonalPIN);
// lists never carry it.
void WriteUser(JsonWriter& w, const model::User& user, bool with_pin);

void WriteString(JsonWriter& w, const std::string& s);

// {"<wrapper>": <account>} / {"<wrapper>": <user>} in one call.
std::string RenderAccount(const model::Account& account);
std::string RenderUser(const model::User& user, bool with_pin);

}  // namespace chime::api
