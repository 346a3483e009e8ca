// chimectl's exit codes. They follow the AWS CLI where it has a meaning for the case (253, 254)
// and split its catch-all 254/255 so that scripts can tell "my request was wrong" (4xx) from
// "the service or network failed" (5xx, timeouts), which decides whether retrying later helps.
#pragma once

namespace chime::client::cli {

inline constexpr int kExitOk = 0;
// A bulk command (import-users, reset-personal-pins) finished, but some items failed.
inline constexpr int kExitPartialFailure = 1;
// Bad command line: unknown subcommand or flag, missing required flag, malformed value, a
// parameter the client rejects before sending, an unreadable input file.
inline constexpr int kExitUsage = 2;
// Configuration: no credentials, unknown profile, malformed config file, bad endpoint URL.
inline constexpr int kExitConfig = 253;
// The service answered with a client error (4xx), including throttling that outlasted retries.
inline constexpr int kExitClientError = 254;
// The service answered with a server error (5xx) after retries, or could not be reached, timed
// out, or sent an unreadable response.
inline constexpr int kExitServerError = 255;

}  // namespace chime::client::cli
