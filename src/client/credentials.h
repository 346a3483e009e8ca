// The standard AWS credential and configuration chain, as botocore resolves it.
//
// Credentials, first match wins:
//   1. explicit (ClientOptions::credentials);
//   2. the environment: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY [+ AWS_SESSION_TOKEN] (skipped
//      when a profile was named explicitly, as botocore does for --profile);
//   3. the shared credentials file (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials),
//      section [<profile>];
//   4. the config file (AWS_CONFIG_FILE or ~/.aws/config), section [profile <profile>]
//      ([default] for the default profile).
// The profile is the explicit one, else AWS_PROFILE, else AWS_DEFAULT_PROFILE, else "default".
// Naming a profile that exists in neither file is an error (botocore's ProfileNotFound).
//
// Settings resolved beside the credentials:
//   region:       explicit, AWS_REGION, AWS_DEFAULT_REGION, profile `region`, "us-east-1";
//   endpoint:     explicit, AWS_ENDPOINT_URL_CHIME, AWS_ENDPOINT_URL, profile `endpoint_url`,
//                 then the service's public endpoint (unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS);
//   max attempts: explicit, AWS_MAX_ATTEMPTS, profile `max_attempts`, 3;
//   CA bundle:    AWS_CA_BUNDLE, profile `ca_bundle`.
#pragma once

#include <optional>
#include <string>

#include "auth/sigv4_signer.h"
#include "client/endpoint.h"
#include "client/environment.h"
#include "client/result.h"

namespace chime::client {

struct ChainInput {
  std::optional<auth::Credentials> credentials;
  std::optional<std::string> profile;
  std::optional<std::string> region;
  std::optional<std::string> endpoint_url;
  std::optional<int> max_attempts;
};

struct ResolvedSettings {
  auth::Credentials credentials;
  // Where the credentials came from: "explicit", "env", "shared-credentials-file",
  // "config-file". Safe to print (--debug does).
  std::string credential_source;
  std::string profile;
  std::string region;
  Endpoint endpoint;
  int max_attempts = 3;
  std::string ca_bundle;  // AWS_CA_BUNDLE, else the profile's ca_bundle; empty = system CAs
};

// Resolves everything. Errors: kCredentials when no credentials are found, a named profile does
// not exist, a file is malformed or a profile has only half a key; kInvalidParameter for a bad
// endpoint URL or max_attempts. Messages name files and profiles, never secret values.
Result<ResolvedSettings> ResolveSettings(const ChainInput& input, const Environment& env);

}  // namespace chime::client
