// Paginators for the two list operations, as botocore's get_paginator("list_users") does it:
// follow NextToken until the server stops sending one.
//
// Example:
//   ListUsersPaginator pages(*client, {.account_id = id});
//   while (pages.HasMorePages()) {
//     auto page = pages.NextPage();
//     if (!page.ok()) return page.error();
//     for (const User& u : page->users) ...
//   }
//
// A paginator borrows the client (which must outlive it) and is not thread-safe itself.
#pragma once

#include <string>
#include <unordered_set>
#include <vector>

#include "client/client.h"

namespace chime::client {

template <typename Request, typename Response>
class Paginator {
 public:
  using Fetch = Result<Response> (Client::*)(const Request&);
  Paginator(Client& client, Request request, Fetch fetch)
      : client_(client), request_(std::move(request)), fetch_(fetch) {}

  bool HasMorePages() const { return !done_; }

  // The next page. After an error the paginator stays where it was, so NextPage() retries the
  // same page. A server that repeats a token it already sent ends the iteration with a
  // kInvalidResponse error instead of looping forever.
  Result<Response> NextPage() {
    Result<Response> page = (client_.*fetch_)(request_);
    if (!page.ok()) return page;
    if (!page->next_token || page->next_token->empty()) {
      done_ = true;
    } else if (!seen_tokens_.insert(*page->next_token).second) {
      done_ = true;
      return MakeLocalError(ErrorKind::kInvalidResponse, "PaginationError",
                            "the server repeated a NextToken; stopping pagination");
    } else {
      request_.next_token = page->next_token;
    }
    return page;
  }

 private:
  Client& client_;
  Request request_;
  Fetch fetch_;
  bool done_ = false;
  std::unordered_set<std::string> seen_tokens_;
};

class ListAccountsPaginator : public Paginator<ListAccountsRequest, ListAccountsResponse> {
 public:
  ListAccountsPaginator(Client& client, ListAccountsRequest request)
      : Paginator(client, std::move(request), &Client::ListAccounts) {}
};

class ListUsersPaginator : public Paginator<ListUsersRequest, ListUsersResponse> {
 public:
  ListUsersPaginator(Client& client, ListUsersRequest request)
      : Paginator(client, std::move(request), &Client::ListUsers) {}
};

// Every account / user matching the request, all pages concatenated.
Result<std::vector<Account>> ListAllAccounts(Client& client, ListAccountsRequest request = {});
Result<std::vector<User>> ListAllUsers(Client& client, ListUsersRequest request);

}  // namespace chime::client
