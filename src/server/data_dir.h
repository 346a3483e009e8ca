// The data directory: created with mode 0700 so database and key files are private.
#pragma once

#include <string>

#include "common/status.h"

namespace chime::server {

// Creates `dir` (and missing parents) with mode 0700; an existing directory is kept, with a
// warning when group or others can read it.
Status PrepareDataDir(const std::string& dir);

}  // namespace chime::server
