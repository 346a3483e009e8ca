#include "client/cli/chimectl_app.h"

#include <CLI/CLI.hpp>

#include "client/cli/command.h"
#include "client/cli/output.h"

namespace chime::client::cli {
namespace {

constexpr char kFooter[] =
    "Credentials, region and endpoint come from the flags, else the standard AWS chain:\n"
    "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, ~/.aws/credentials and\n"
    "~/.aws/config (AWS_PROFILE, AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE), AWS_REGION,\n"
    "AWS_ENDPOINT_URL_CHIME / AWS_ENDPOINT_URL, AWS_MAX_ATTEMPTS.\n\n"
    "Exit codes: 0 success; 1 a bulk command finished with failed items; 2 usage error;\n"
    "253 configuration or credentials error; 254 the service answered a client error (4xx);\n"
    "255 server error (5xx), network failure or timeout.";

void AddGlobalFlags(CLI::App& app, GlobalFlags& f) {
  app.add_option("--endpoint-url", f.endpoint_url, "Override the service URL (http or https).")
      ->group("Global options");
  app.add_option("--profile", f.profile, "Use this profile from the shared config files.")
      ->group("Global options");
  app.add_option("--region", f.region, "The signing region (default us-east-1).")
      ->group("Global options");
  app.add_option("--output", f.output, "json (default, as the AWS CLI), text or table.")
      ->check(CLI::IsMember({"json", "text", "table"}))
      ->group("Global options");
  app.add_flag("--debug", f.debug,
               "Log the wire exchange to stderr (never secrets, signatures, tokens or PINs).")
      ->group("Global options");
  app.add_option("--max-attempts", f.max_attempts, "Attempts per call, retries included.")
      ->check(CLI::Range(1, 100))
      ->group("Global options");
  app.add_option("--cli-connect-timeout", f.connect_timeout_s, "Connect timeout in seconds.")
      ->check(CLI::PositiveNumber)
      ->group("Global options");
  app.add_option("--cli-read-timeout", f.read_timeout_s, "Read timeout in seconds.")
      ->check(CLI::PositiveNumber)
      ->group("Global options");
  app.add_option("--ca-bundle", f.ca_bundle, "CA certificate bundle (PEM) to verify TLS peers.")
      ->group("Global options");
  app.add_flag("--no-verify-ssl", f.no_verify_ssl, "Do not verify TLS certificates (testing only).")
      ->group("Global options");
  app.add_flag("--no-progress", f.no_progress, "Bulk commands: no progress bar or lines.")
      ->group("Global options");
}

}  // namespace

int RunChimectl(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
                const ChimectlDeps& deps) {
  CliContext ctx(out, err);
  ctx.transport = deps.transport;
  ctx.environment = deps.environment;

  CLI::App app{
      "chimectl: administer Amazon Chime accounts and users on chimed (or any endpoint\n"
      "speaking the Chime API). Subcommands and flags are those of `aws chime`."};
  app.name("chimectl");
  app.footer(kFooter);
  app.require_subcommand(1, 1);
  app.fallthrough();  // global flags are accepted after the subcommand too, as in the AWS CLI
  AddGlobalFlags(app, ctx.flags);
  Registry registry(app);
  AddAccountCommands(registry);
  AddUserCommands(registry);
  AddBulkCommands(registry);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::ParseError& e) {
    app.exit(e, out, err);
    return kExitUsage;
  }
  Command* cmd = registry.Selected();
  if (cmd == nullptr) return ctx.UsageError("no subcommand given; see chimectl --help");
  return cmd->Execute(ctx);
}

}  // namespace chime::client::cli
