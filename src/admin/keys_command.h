// `chimed keys ...`: access-key administration on the data directory (also while the server
// runs; the server sees every change on the next request, without a restart).
//
//   chimed --data-dir DIR keys create --name NAME (--allow-all | --allow-account ID ... |
//                                     --policy-file FILE | --policy JSON) [--session-token]
//                                     [--json]
//   chimed --data-dir DIR keys list [--json]
//   chimed --data-dir DIR keys show ID
//   chimed --data-dir DIR keys disable|enable|delete ID
//   chimed --data-dir DIR keys rotate ID [--json]
//   chimed --data-dir DIR keys set-policy ID (--allow-all | --allow-account ID ... |
//                                             --policy-file FILE | --policy JSON)
//
// create and rotate print the secret (and session token) exactly once, on stdout; chimed keeps
// only its encrypted form and can never show it again. Everything else never prints a secret.
// The master key is found as the server finds it (CHIMED_MASTER_KEY, --master-key-file,
// <data-dir>/master.key). Exit status: 0 done; 1 unknown key, invalid policy, store or key
// failure (message on stderr).
#pragma once

#include <CLI/CLI.hpp>

#include "server/config.h"

namespace chime::admin {

void AddKeysCommands(CLI::App& app, const server::ServerConfig& config, int* exit_code);

}  // namespace chime::admin
