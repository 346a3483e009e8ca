// chimectl: the command line for the Chime account/user API, built on chime::client.
// RunChimectl is main() minus the process: tests call it with string streams.
#pragma once

#include <iostream>
#include <memory>

#include "client/environment.h"
#include "client/transport.h"

namespace chime::client::cli {

struct ChimectlDeps {
  std::shared_ptr<HttpTransport> transport;  // null: the real Beast transport
  const Environment* environment = nullptr;  // null: the process environment
};

// Parses argv, runs the subcommand and returns the exit code (exit_codes.h).
int RunChimectl(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
                const ChimectlDeps& deps = {});

}  // namespace chime::client::cli
