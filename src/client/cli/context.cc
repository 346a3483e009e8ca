#include "client/cli/context.h"

#include "client/cli/output.h"

namespace chime::client::cli {

int ExitCodeFor(const Error& error) {
  switch (error.kind) {
    case ErrorKind::kInvalidParameter:
      return error.name == "InvalidEndpointError" || error.name == "InvalidMaxAttemptsError"
                 ? kExitConfig
                 : kExitUsage;
    case ErrorKind::kCredentials:
      return kExitConfig;
    default:
      return error.IsClientError() ? kExitClientError : kExitServerError;
  }
}

Client* CliContext::GetClient() {
  if (client_) return client_.get();
  ClientOptions o;
  if (!flags.endpoint_url.empty()) o.endpoint_url = flags.endpoint_url;
  if (!flags.profile.empty()) o.profile = flags.profile;
  if (!flags.region.empty()) o.region = flags.region;
  if (flags.max_attempts > 0) o.max_attempts = flags.max_attempts;
  o.timeouts.connect_timeout_ms = static_cast<int64_t>(flags.connect_timeout_s * 1000);
  o.timeouts.read_timeout_ms = static_cast<int64_t>(flags.read_timeout_s * 1000);
  o.user_agent = "chimectl/0.1";
  o.tls.ca_file = flags.ca_bundle;
  o.tls.verify_peer = !flags.no_verify_ssl;
  o.transport = transport;
  o.environment = environment;
  if (flags.debug) {
    o.debug_log = [this](std::string_view line) {
      WriteErr("chimectl debug: " + std::string(line) + "\n");
    };
  }
  auto client = Client::Create(std::move(o));
  if (!client.ok()) {
    exit_code_ = ExitCodeFor(client.error());
    WriteErr("\n" + client.error().message + "\n");
    return nullptr;
  }
  client_ = std::move(client).value();
  if (flags.debug) {
    const ResolvedSettings& s = client_->settings();
    WriteErr("chimectl debug: endpoint " + s.endpoint.ToString() + ", region " + s.region +
             ", profile " + s.profile + ", credentials from " + s.credential_source +
             " (access key " + s.credentials.access_key_id + "), max attempts " +
             std::to_string(s.max_attempts) + "\n");
  }
  return client_.get();
}

int CliContext::Print(std::string_view op, const rapidjson::Value& doc) {
  PrintDocument(doc, flags.output, op, out_);
  out_.flush();
  return kExitOk;
}

int CliContext::ReportError(std::string_view op, const Error& error) {
  std::string text =
      "\nAn error occurred (" + error.name + ") when calling the " + std::string(op) + " operation";
  // The AWS CLI's wording, shown when every allowed attempt was used.
  if (error.max_attempts_reached) {
    text += " (reached max retries: " + std::to_string(error.attempts - 1) + ")";
  }
  text += ": " + error.message + "\n";
  if (flags.debug && !error.request_id.empty()) {
    text += "chimectl debug: request id " + error.request_id + "\n";
  }
  WriteErr(text);
  return ExitCodeFor(error);
}

int CliContext::UsageError(const std::string& message) {
  WriteErr("chimectl: error: " + message + "\n");
  return kExitUsage;
}

void CliContext::WriteErr(std::string_view text) {
  std::lock_guard lock(err_mu_);
  err_ << text;
  err_.flush();
}

}  // namespace chime::client::cli
