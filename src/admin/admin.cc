#include "admin/admin.h"

#include "admin/accounts_command.h"
#include "admin/keys_command.h"
#include "admin/migrate_store_command.h"
#include "admin/users_command.h"

namespace chime::admin {

void AddAdminCommands(CLI::App& app, const server::ServerConfig& config, int* exit_code) {
  // Each group registers itself here, one line each (see keys_command.h, users_command.h).
  AddKeysCommands(app, config, exit_code);
  AddUsersCommands(app, config, exit_code);
  AddAccountsCommands(app, config, exit_code);
  AddMigrateStoreCommand(app, config, exit_code);
}

}  // namespace chime::admin
