#include "admin/admin.h"

namespace chime::admin {

void AddAdminCommands(CLI::App& app, const server::ServerConfig& config, int* exit_code) {
  // Each group registers itself here, one line each (see keys_command.h, users_command.h).
  (void)app;
  (void)config;
  (void)exit_code;
}

}  // namespace chime::admin
