// chimectl: argv -> RunChimectl, nothing else (see src/client/cli/chimectl_app.h).
#include <iostream>

#include "client/cli/chimectl_app.h"

int main(int argc, char** argv) {
  return chime::client::cli::RunChimectl(argc, argv, std::cout, std::cerr);
}
