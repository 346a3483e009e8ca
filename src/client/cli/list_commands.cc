#include "client/cli/list_commands.h"

#include <algorithm>

namespace chime::client::cli {
namespace {

void AddPagingFlags(Command& c) {
  c.Int("--max-results", "The maximum number of results to return in a single call.")
      .Optional("--next-token", "The token to use to retrieve the next page of results.")
      .Int("--max-items", "The total number of items to return; prints a NextToken if more.")
      .Optional("--starting-token", "A NextToken from a previous truncated response.")
      .Int("--page-size", "The size of each page to get in the service call.")
      .Switch("--no-paginate", "Make one call only and print its raw page.");
}

// Runs the paginated listing for Request/Response with `items` the list member.
template <typename Request, typename Response, typename Item>
int RunList(Command& c, CliContext& ctx, std::string_view op, const char* member, Request req,
            Result<Response> (Client::*fetch)(const Request&), std::vector<Item> Response::*items,
            Client& client) {
  std::optional<int> page = c.OptInt("--page-size");
  if (!page) page = c.OptInt("--max-results");
  req.max_results = page;
  req.next_token = c.Opt("--starting-token");
  if (!req.next_token) req.next_token = c.Opt("--next-token");
  std::optional<int> max_items = c.OptInt("--max-items");
  if (max_items && *max_items < 1) return ctx.UsageError("--max-items must be at least 1");

  std::vector<Item> all;
  std::optional<std::string> resume;
  for (;;) {
    if (max_items) {
      int remaining = *max_items - static_cast<int>(all.size());
      // Never ask for more than still fits, so a page is never cut in the middle and the
      // printed NextToken resumes exactly after the last item shown.
      req.max_results = std::min(page.value_or(remaining), remaining);
    }
    Result<Response> r = (client.*fetch)(req);
    if (!r.ok()) return ctx.ReportError(op, r.error());
    auto& got = (*r).*items;
    all.insert(all.end(), std::make_move_iterator(got.begin()), std::make_move_iterator(got.end()));
    bool more = r->next_token && !r->next_token->empty();
    if (c.On("--no-paginate")) {
      resume = r->next_token;
      break;
    }
    if (!more) break;
    if (max_items && static_cast<int>(all.size()) >= *max_items) {
      resume = r->next_token;
      break;
    }
    req.next_token = r->next_token;
  }
  rapidjson::Document doc;
  doc.SetObject();
  rapidjson::Value list(rapidjson::kArrayType);
  for (const Item& item : all) list.PushBack(ToJson(item, doc.GetAllocator()), doc.GetAllocator());
  doc.AddMember(rapidjson::StringRef(member), std::move(list), doc.GetAllocator());
  if (resume) {
    doc.AddMember("NextToken", rapidjson::Value(resume->c_str(), doc.GetAllocator()),
                  doc.GetAllocator());
  }
  return ctx.Print(op, doc);
}

}  // namespace

void AddListAccountsCommand(Registry& reg) {
  Command& c =
      reg.Add("list-accounts",
              "Lists the Amazon Chime accounts under the administrator's AWS account, "
              "optionally filtered by account name or by the email address of a user.")
          .Optional("--name", "Amazon Chime account name prefix with which to filter results.")
          .Optional("--user-email", "User email address with which to filter results.");
  AddPagingFlags(c);
  c.Run([](Command& c, Client& client, CliContext& ctx) {
    ListAccountsRequest req;
    req.name = c.Opt("--name");
    req.user_email = c.Opt("--user-email");
    return RunList(c, ctx, "ListAccounts", "Accounts", req, &Client::ListAccounts,
                   &ListAccountsResponse::accounts, client);
  });
}

void AddListUsersCommand(Registry& reg) {
  Command& c =
      reg.Add("list-users",
              "Lists the users that belong to the specified Amazon Chime account, "
              "optionally filtered by email address or user type.")
          .Required("--account-id", "The Amazon Chime account ID.")
          .Optional("--user-email", "Optional. The user email address used to filter.")
          .Choice("--user-type", {"PrivateUser", "SharedDevice"}, "The user type to filter by.");
  AddPagingFlags(c);
  c.Run([](Command& c, Client& client, CliContext& ctx) {
    ListUsersRequest req;
    req.account_id = c.Str("--account-id");
    req.user_email = c.Opt("--user-email");
    req.user_type = c.Opt("--user-type");
    return RunList(c, ctx, "ListUsers", "Users", req, &Client::ListUsers, &ListUsersResponse::users,
                   client);
  });
}

}  // namespace chime::client::cli
