// list-accounts and list-users, which paginate like the AWS CLI: every page is fetched and the
// items merged unless --no-paginate; --max-items stops early and then prints the NextToken to
// pass as --starting-token; --page-size (or --max-results) sets MaxResults per request.
#pragma once

#include "client/cli/command.h"

namespace chime::client::cli {

void AddListAccountsCommand(Registry& registry);
void AddListUsersCommand(Registry& registry);

}  // namespace chime::client::cli
