// chimed: argv -> config -> RunServer() (or an administrative subcommand), nothing else.
#include <CLI/CLI.hpp>

#include "admin/admin.h"
#include "server/app.h"
#include "server/config.h"

int main(int argc, char** argv) {
  CLI::App app{
      "chimed: a self-hosted, wire-compatible Amazon Chime account and user API.\n"
      "Without a subcommand it serves; point boto3, the AWS CLI or an AWS SDK at it with\n"
      "--endpoint-url."};
  chime::server::ServerConfig config;
  chime::server::AddServeFlags(app, config);
  int exit_code = -1;  // set by a subcommand that ran
  chime::admin::AddAdminCommands(app, config, &exit_code);
  app.require_subcommand(0, 1);
  CLI11_PARSE(app, argc, argv);
  if (exit_code >= 0) return exit_code;
  return chime::server::RunServer(config);
}
