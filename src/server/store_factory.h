// Opens the Store the configuration names. Used by the server and by the administrative
// subcommands that work on the data directory, so both always agree on where data lives.
#pragma once

#include <memory>

#include "common/status.h"
#include "server/config.h"
#include "store/store.h"

namespace chime::server {

// Prepares the data directory (0700) and opens the store in it (SQLite, `chimed.db`).
StatusOr<std::unique_ptr<store::Store>> OpenStore(const ServerConfig& config);

}  // namespace chime::server
