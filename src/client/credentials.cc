#include "client/credentials.h"

#include <charconv>
#include <utility>

#include "client/ini_file.h"

namespace chime::client {
namespace {

struct Profiles {
  IniFile credentials;  // sections named "<profile>"
  IniFile config;       // sections named "profile <profile>" or "default"
  std::string credentials_path;
  std::string config_path;
};

Result<Profiles> LoadProfiles(const Environment& env) {
  Profiles p;
  p.credentials_path =
      ExpandHome(env, env.Get("AWS_SHARED_CREDENTIALS_FILE").value_or("~/.aws/credentials"));
  p.config_path = ExpandHome(env, env.Get("AWS_CONFIG_FILE").value_or("~/.aws/config"));
  CLIENT_ASSIGN_OR_RETURN(p.credentials, LoadIniFile(p.credentials_path));
  CLIENT_ASSIGN_OR_RETURN(p.config, LoadIniFile(p.config_path));
  return p;
}

const IniSection* ConfigSection(const Profiles& p, const std::string& profile) {
  auto it = p.config.find("profile " + profile);
  if (it == p.config.end() && profile == "default") it = p.config.find("default");
  return it == p.config.end() ? nullptr : &it->second;
}

const IniSection* CredentialsSection(const Profiles& p, const std::string& profile) {
  auto it = p.credentials.find(profile);
  return it == p.credentials.end() ? nullptr : &it->second;
}

std::optional<std::string> Value(const IniSection* s, std::string_view key) {
  if (s == nullptr) return std::nullopt;
  auto it = s->find(key);
  if (it == s->end() || it->second.empty()) return std::nullopt;
  return it->second;
}

Error CredentialsError(std::string message) {
  return MakeLocalError(ErrorKind::kCredentials, "NoCredentialsError", std::move(message));
}

// Keys from one section; nullopt when the section has neither key. Half a key is an error,
// as botocore's PartialCredentialsError.
Result<std::optional<auth::Credentials>> FromSection(const IniSection* s,
                                                     const std::string& where) {
  auto id = Value(s, "aws_access_key_id");
  auto secret = Value(s, "aws_secret_access_key");
  if (!id && !secret) return std::optional<auth::Credentials>();
  if (!id || !secret) {
    return MakeLocalError(ErrorKind::kCredentials, "PartialCredentialsError",
                          "partial credentials in " + where + ": missing " +
                              (id ? "aws_secret_access_key" : "aws_access_key_id"));
  }
  return std::optional<auth::Credentials>(
      auth::Credentials{*id, *secret, Value(s, "aws_session_token")});
}

Result<std::pair<auth::Credentials, std::string>> ResolveCredentials(const ChainInput& in,
                                                                     const Environment& env,
                                                                     const Profiles& files,
                                                                     const std::string& profile) {
  if (in.credentials) return std::pair{*in.credentials, std::string("explicit")};
  if (!in.profile) {
    auto id = env.Get("AWS_ACCESS_KEY_ID");
    auto secret = env.Get("AWS_SECRET_ACCESS_KEY");
    if (id && secret) {
      return std::pair{auth::Credentials{*id, *secret, env.Get("AWS_SESSION_TOKEN")},
                       std::string("env")};
    }
    if (id || secret) {
      return MakeLocalError(ErrorKind::kCredentials, "PartialCredentialsError",
                            std::string("partial credentials in the environment: ") +
                                (id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID") +
                                " is not set");
    }
  }
  CLIENT_ASSIGN_OR_RETURN(auto shared, FromSection(CredentialsSection(files, profile),
                                                   files.credentials_path + " [" + profile + "]"));
  if (shared) return std::pair{*shared, std::string("shared-credentials-file")};
  CLIENT_ASSIGN_OR_RETURN(auto config, FromSection(ConfigSection(files, profile),
                                                   files.config_path + " profile " + profile));
  if (config) return std::pair{*config, std::string("config-file")};
  return CredentialsError("Unable to locate credentials for profile '" + profile +
                          "': set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add them to " +
                          files.credentials_path);
}

Result<int> ParseMaxAttempts(const std::string& text, std::string_view origin) {
  int n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 1 || n > 100) {
    return MakeLocalError(
        ErrorKind::kInvalidParameter, "InvalidMaxAttemptsError",
        std::string(origin) + " must be an integer from 1 to 100, not '" + text + "'");
  }
  return n;
}

}  // namespace

Result<ResolvedSettings> ResolveSettings(const ChainInput& in, const Environment& env) {
  ResolvedSettings out;
  CLIENT_ASSIGN_OR_RETURN(Profiles files, LoadProfiles(env));
  out.profile = in.profile.value_or(
      env.Get("AWS_PROFILE").value_or(env.Get("AWS_DEFAULT_PROFILE").value_or("default")));
  const IniSection* cfg = ConfigSection(files, out.profile);
  bool profile_named = in.profile || env.Get("AWS_PROFILE") || env.Get("AWS_DEFAULT_PROFILE");
  if (profile_named && out.profile != "default" && cfg == nullptr &&
      CredentialsSection(files, out.profile) == nullptr) {
    return MakeLocalError(ErrorKind::kCredentials, "ProfileNotFound",
                          "The config profile (" + out.profile + ") could not be found");
  }

  CLIENT_ASSIGN_OR_RETURN(auto creds, ResolveCredentials(in, env, files, out.profile));
  out.credentials = std::move(creds.first);
  out.credential_source = std::move(creds.second);

  out.region = in.region.value_or(
      env.Get("AWS_REGION")
          .value_or(
              env.Get("AWS_DEFAULT_REGION").value_or(Value(cfg, "region").value_or("us-east-1"))));

  std::optional<std::string> url = in.endpoint_url;
  if (!url && !env.Get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) {
    url = env.Get("AWS_ENDPOINT_URL_CHIME");
    if (!url) url = env.Get("AWS_ENDPOINT_URL");
    if (!url) url = Value(cfg, "endpoint_url");
  }
  CLIENT_ASSIGN_OR_RETURN(out.endpoint,
                          ParseEndpointUrl(url.value_or(std::string(kDefaultEndpointUrl))));

  out.ca_bundle =
      ExpandHome(env, env.Get("AWS_CA_BUNDLE").value_or(Value(cfg, "ca_bundle").value_or("")));
  if (in.max_attempts) {
    if (*in.max_attempts < 1 || *in.max_attempts > 100) {
      return MakeLocalError(ErrorKind::kInvalidParameter, "InvalidMaxAttemptsError",
                            "max_attempts must be from 1 to 100");
    }
    out.max_attempts = *in.max_attempts;
  } else if (auto v = env.Get("AWS_MAX_ATTEMPTS")) {
    CLIENT_ASSIGN_OR_RETURN(out.max_attempts, ParseMaxAttempts(*v, "AWS_MAX_ATTEMPTS"));
  } else if (auto p = Value(cfg, "max_attempts")) {
    CLIENT_ASSIGN_OR_RETURN(out.max_attempts, ParseMaxAttempts(*p, "max_attempts"));
  }
  return out;
}

}  // namespace chime::client
