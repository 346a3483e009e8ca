// ListAccounts: GET /accounts?name=&user-email=&max-results=&next-token= → 200
// {"Accounts": [...], "NextToken": ...}. `name` matches as a prefix of the account name.
#include "api/operations/inputs.h"
#include "api/operations/operations.h"
#include "api/page_token.h"
#include "api/render.h"
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
  ASSIGN_OR_RETURN(auto max, QueryMember(call, "max-results"));
  ASSIGN_OR_RETURN(q.limit, model::ParseMaxResults(max));
  ASSIGN_OR_RETURN(auto token, QueryMember(call, "next-token"));
  if (token) {
    ASSIGN_OR_RETURN(q.after_seq, DecodePageToken(kTokenKind, *token));
  }
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
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    w.Key("Accounts");
    w.StartArray();
    for (const auto& account : page.items) WriteAccount(w, account);
    w.EndArray();
    if (page.next_seq) {
      w.Key("NextToken");
      WriteString(w, EncodePageToken(kTokenKind, *page.next_seq));
    }
    w.EndObject();
    out->assign(buf.GetString(), buf.GetSize());
    return OkStatus();
  });
}

}  // namespace chime::api
