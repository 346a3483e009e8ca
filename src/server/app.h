// The composition root: chooses the real clock, randomness, store and server, wires them,
// serves until SIGTERM/SIGINT, then shuts down gracefully (stop accepting, finish in-flight
// requests, close the store).
#pragma once

#include "server/config.h"

namespace chime::server {

// Returns the process exit code.
int RunServer(const ServerConfig& config);

}  // namespace chime::server
