// ListAccounts: GET /accounts?name=&user-email=&max-results=&next-token= → 200
// {"Accounts": [...], "NextToken": ...}. `name` matches as a prefix of the account name.
#include "api/operations/inputs.h"
#include "api/operations/operations.h"
#include "api/paging.h"
#include "model/validation.h"

namespace chime::api {
namespace {

constexpr std::string_view kTokenKind = "accounts";

StatusOr<store::AccountQuery> QueryFromRequest(const Call& call) {
  store::AccountQuery q;
  ASSIGN_OR_RETURN(auto name, QueryMember(call, "name"));
  if (name) {
    RETURN_IF_ERROR(model::ValidateAccountName("Name", *name));
    q.name_prefix = std::move(name);
  }
  ASSIGN_OR_RETURN(auto email, QueryMember(call, "user-email"));
  if (email) {
    RETURN_IF_ERROR(model::ValidateEmail("UserEmail", *email));
    q.user_email = std::move(email);
  }
  RETURN_IF_ERROR(ParsePaging(call, kTokenKind, &q.limit, &q.after_seq));
  return q;
}

}  // namespace

void ListAccounts(const CallPtr& call) {
  auto query = QueryFromRequest(*call);
  if (!query.ok()) return call->Fail(query.status());
  // A key scoped to some accounts sees only those; a page may then hold fewer than
  // MaxResults items while NextToken still leads on, which paginators handle.
  RunRead(call, 200, [q = std::move(*query), call](store::Tx& tx, std::string* out) {
    ASSIGN_OR_RETURN(auto page, tx.ListAccounts(q));
    std::erase_if(page.items, [&](const model::Account& a) {
      return !call->caller.MayAccess(Op::kListAccounts, a.account_id);
    });
    *out =
        RenderPage("Accounts", page, kTokenKind,
                   [](JsonWriter& w, const model::Account& account) { WriteAccount(w, account); });
    return OkStatus();
  });
}

}  // namespace chime::api
