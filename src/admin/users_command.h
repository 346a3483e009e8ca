// `chimed users ...`: user administration that the Chime API has no call for.
//
//   chimed --data-dir DIR users register --account-id A --user-id U
//
// completes the registration of an invited user (Unregistered, invitation Pending): the step
// Amazon Chime took when the invitee followed the emailed link and signed in. chimed sends no
// email and has no directory, so an administrator (or a provisioning script) runs this instead.
// The user becomes Registered with RegisteredOn set, its invitation Accepted, and receives its
// personal meeting PIN. Prints {"User": {...}} (as GetUser answers, PIN included) on stdout.
// Works on the data directory directly, also while the server runs.
// Exit status: 0 registered; 1 unknown account/user, a user that is not Unregistered, or a
// store failure (message on stderr).
#pragma once

#include <CLI/CLI.hpp>

#include "server/config.h"

namespace chime::admin {

void AddUsersCommands(CLI::App& app, const server::ServerConfig& config, int* exit_code);

}  // namespace chime::admin
