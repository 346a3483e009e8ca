// ListUsers: GET /accounts/{accountId}/users?user-email=&user-type=&max-results=&next-token=
// → 200 {"Users": [...], "NextToken": ...}. Lists never carry PersonalPIN.
#include "api/operations/inputs.h"
#include "api/operations/operations.h"
#include "api/paging.h"
#include "model/validation.h"

namespace chime::api {
namespace {

constexpr std::string_view kTokenKind = "users";

StatusOr<store::UserQuery> QueryFromRequest(const Call& call) {
  store::UserQuery q;
  ASSIGN_OR_RETURN(q.account_id, AccountIdLabel(call));
  ASSIGN_OR_RETURN(auto email, QueryMember(call, "user-email"));
  if (email) {
    RETURN_IF_ERROR(model::ValidateEmail("UserEmail", *email));
    q.email = std::move(email);
  }
  ASSIGN_OR_RETURN(auto type, QueryMember(call, "user-type"));
  if (type) {
    q.user_type = model::ParseUserType(*type);
    if (!q.user_type) return InvalidArgument("UserType must be one of PrivateUser, SharedDevice.");
  }
  RETURN_IF_ERROR(ParsePaging(call, kTokenKind, &q.limit, &q.after_seq));
  return q;
}

}  // namespace

void ListUsers(const CallPtr& call) {
  auto query = QueryFromRequest(*call);
  if (!query.ok()) return call->Fail(query.status());
  RunRead(call, 200, [q = std::move(*query)](store::Tx& tx, std::string* out) {
    RETURN_IF_ERROR(tx.GetAccount(q.account_id).status());
    ASSIGN_OR_RETURN(auto page, tx.ListUsers(q));
    *out = RenderPage("Users", page, kTokenKind, [](JsonWriter& w, const model::User& user) {
      WriteUser(w, user, /*with_pin=*/false);
    });
    return OkStatus();
  });
}

}  // namespace chime::api
