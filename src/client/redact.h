// What --debug may show. The wire log is useful only if it shows the real exchange, and safe only
// if it never shows a secret: these helpers keep the shape and drop the secret parts.
#pragma once

#include <string>
#include <string_view>

namespace chime::client {

// A header value fit for a log line: the Authorization header keeps its algorithm, Credential
// (access key id and scope) and SignedHeaders but not its Signature; X-Amz-Security-Token and
// other credential-bearing headers become "[redacted]"; anything else is returned unchanged.
std::string RedactHeader(std::string_view name, std::string_view value);

// A JSON body fit for a log line: the values of members named PersonalPIN, SecretAccessKey,
// SessionToken, Password or Pin (any depth, any case) become "[redacted]". A body that is not
// JSON is summarised as "<N bytes, not JSON>" because nothing in it can be vetted.
std::string RedactBody(std::string_view body);

}  // namespace chime::client
