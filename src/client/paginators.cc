#include "client/paginators.h"

namespace chime::client {
namespace {

template <typename Pager, typename Item, typename Request, typename Member>
Result<std::vector<Item>> Collect(Client& client, Request request, Member member) {
  Pager pager(client, std::move(request));
  std::vector<Item> all;
  while (pager.HasMorePages()) {
    auto page = pager.NextPage();
    if (!page.ok()) return page.error();
    auto& items = (*page).*member;
    all.insert(all.end(), std::make_move_iterator(items.begin()),
               std::make_move_iterator(items.end()));
  }
  return all;
}

}  // namespace

Result<std::vector<Account>> ListAllAccounts(Client& client, ListAccountsRequest request) {
  return Collect<ListAccountsPaginator, Account>(client, std::move(request),
                                                 &ListAccountsResponse::accounts);
}

Result<std::vector<User>> ListAllUsers(Client& client, ListUsersRequest request) {
  return Collect<ListUsersPaginator, User>(client, std::move(request), &ListUsersResponse::users);
}

}  // namespace chime::client
