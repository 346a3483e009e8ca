// Test-only helpers: reading the AWS SigV4 suite's files and parsing its HTTP request text.
#pragma once

#include <string>
#include <string_view>

#include "http/message.h"

namespace chime::auth::testing {

// The whole file, or "" when it cannot be read.
std::string ReadFileOrEmpty(const std::string& path);

// Parses "METHOD target HTTP/1.1\nName:value\n...\n\nbody". The target may contain spaces (the
// suite writes decoded paths such as "/example space/"). Header values are OWS-trimmed.
// A line starting with a space or tab continues the previous header (obsolete line folding):
// with `unfold` it is joined with one space, as a lenient proxy would; without, it is kept as
// "\r\n" + line, which is what a verifier that refuses obs-fold must see.
http::Request ParseRequestText(std::string_view text, bool unfold);

// The value of "key": "value" or "key": true/false in a flat JSON text; "" when absent.
std::string JsonField(std::string_view json, std::string_view key);

}  // namespace chime::auth::testing
