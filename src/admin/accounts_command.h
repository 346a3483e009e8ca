// `chimed accounts ...`: account administration that the Chime API has no call for.
//
//   chimed --data-dir DIR accounts set-type --account-id A
//          --type Team|EnterpriseDirectory|EnterpriseLWA|EnterpriseOIDC
//
// CreateAccount makes Team accounts only (as in Amazon Chime, where Enterprise accounts came
// from claiming a domain or connecting a directory, which chimed cannot do). This sets the
// AccountType so that the Enterprise rules of --strict-account-types can be used and tested.
// Prints {"Account": {...}} on stdout. Works on the data directory, also while the server runs.
// Exit status: 0 changed; 1 unknown account or a store failure (message on stderr).
#pragma once

#include <CLI/CLI.hpp>

#include "server/config.h"

namespace chime::admin {

void AddAccountsCommands(CLI::App& app, const server::ServerConfig& config, int* exit_code);

}  // namespace chime::admin
