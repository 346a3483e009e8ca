// chimed's administrative subcommands. They work directly on the data directory (the same
// store the server uses), for the things the Chime API has no call for: managing access keys,
// completing a user's registration. Each group of subcommands lives in its own file.
#pragma once

#include <CLI/CLI.hpp>

#include "server/config.h"

namespace chime::admin {

// Registers every administrative subcommand on `app`. A subcommand that runs stores its
// process exit code in `*exit_code`.
void AddAdminCommands(CLI::App& app, const server::ServerConfig& config, int* exit_code);

}  // namespace chime::admin
