// Structure-valued flags, given as the AWS CLI accepts them: JSON ('{"Telephony": {...}}') or
// shorthand ("Telephony={InboundCalling=true,OutboundCalling=false,SMS=true}").
//
// Shorthand values are strings, except members the model types as booleans or integers (listed
// in shorthand.cc), which are converted. The result is a JSON object for the shape readers of
// shape_json.h.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>

#include "client/result.h"

namespace chime::client::cli {

// Parses one flag value. Errors are kInvalidParameter naming `flag` and what is wrong.
Result<rapidjson::Document> ParseStructureArg(std::string_view flag, std::string_view text);

}  // namespace chime::client::cli
