// Serialises JSON exactly as Python's json.dumps does, so that request bodies are byte-identical
// to botocore's (json.dumps(body): separators ", " and ": ", ensure_ascii) and chimectl's
// --output json is byte-identical to the AWS CLI's (json.dumps(indent=4, ensure_ascii=False)).
// Member order is the order of the rapidjson object, which the shape codecs fill in model order.
#pragma once

#include <rapidjson/document.h>

#include <string>

namespace chime::client {

struct JsonDumpOptions {
  int indent = -1;           // -1: one line (", " / ": "); n >= 0: pretty, n spaces per level
  bool ensure_ascii = true;  // escape every non-ASCII code point as \uXXXX (surrogate pairs)
};

std::string DumpJson(const rapidjson::Value& value, const JsonDumpOptions& options = {});

}  // namespace chime::client
