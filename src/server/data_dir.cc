#include "server/data_dir.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/log.h"

namespace chime::server {

Status PrepareDataDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::path path(dir);
  if (path.has_parent_path() && !path.parent_path().empty()) {
    std::filesystem::create_directories(path.parent_path(), ec);
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Unavailable("cannot create data directory " + dir + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Unavailable("data directory " + dir + " is not a directory");
  }
  if (st.st_mode & 077) {
    LOG_WARN("data directory " << dir << " is accessible to group or others; chmod 700 it");
  }
  return OkStatus();
}

}  // namespace chime::server
