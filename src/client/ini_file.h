// The AWS shared configuration file format (~/.aws/credentials, ~/.aws/config), parsed the way
// botocore's raw_config_parse does: "[section]" headers, "key = value" (or "key: value") lines,
// full-line comments starting with '#' or ';', keys lowercased, values trimmed, and indented
// continuation lines forming a nested block (as under "s3 =") that is kept as sub-keys.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "client/result.h"

namespace chime::client {

using IniSection = std::map<std::string, std::string, std::less<>>;
// section name (as written, trimmed) -> key -> value. A nested "s3 =" block yields keys
// "s3.max_concurrent_requests" etc.
using IniFile = std::map<std::string, IniSection, std::less<>>;

// Parses `text`; `origin` names the file in error messages. A line that is neither a section,
// a comment, a key/value nor a continuation is a kCredentials error naming its line number.
Result<IniFile> ParseIni(std::string_view text, std::string_view origin);

// Reads and parses the file at `path`. A missing file is an empty IniFile (not an error), as in
// the SDKs; an unreadable or malformed one is an error.
Result<IniFile> LoadIniFile(const std::string& path);

}  // namespace chime::client
