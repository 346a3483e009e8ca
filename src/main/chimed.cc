// chimed: argv -> config -> RunServer(), nothing else.
#include <CLI/CLI.hpp>

#include "server/app.h"
#include "server/config.h"

int main(int argc, char** argv) {
  CLI::App app{
      "chimed: a self-hosted, wire-compatible Amazon Chime account and user API.\n"
      "Point boto3, the AWS CLI or an AWS SDK at it with --endpoint-url."};
  chime::server::ServerConfig config;
  chime::server::AddServeFlags(app, config);
  CLI11_PARSE(app, argc, argv);
  return chime::server::RunServer(config);
}
