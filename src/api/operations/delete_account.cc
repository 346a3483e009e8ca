// DeleteAccount: DELETE /accounts/{accountId} → 204.
// A Team account can be deleted only when every user is suspended, as Amazon Chime required
// (UnprocessableEntityException otherwise, which the operation lists); strict mode extends this
// to Enterprise accounts (model/account_rules.h). Deletion removes the account, its users and
// their settings, and retires every PIN they held, so those PINs are never issued again.
#include "api/operations/inputs.h"
#include "api/operations/operations.h"
#include "model/account_rules.h"

namespace chime::api {
namespace {

StatusOr<int64_t> CountUnsuspendedUsers(store::Tx& tx, const std::string& account_id) {
  store::UserQuery query;
  query.account_id = account_id;
  query.limit = 200;
  int64_t count = 0;
  for (;;) {
    ASSIGN_OR_RETURN(auto page, tx.ListUsers(query));
    for (const auto& user : page.items) {
      if (user.registration_status != model::RegistrationStatus::kSuspended) ++count;
    }
    if (!page.next_seq) return count;
    query.after_seq = *page.next_seq;
  }
}

}  // namespace

void DeleteAccount(const CallPtr& call) {
  auto account_id = AccountIdLabel(*call);
  if (!account_id.ok()) return call->Fail(account_id.status());
  const bool strict = call->deps.config.strict_account_types;
  RunWrite(call, 204, [id = *account_id, strict, now = call->now_ms](store::Tx& tx, std::string*) {
    ASSIGN_OR_RETURN(model::Account account, tx.GetAccount(id));
    ASSIGN_OR_RETURN(int64_t unsuspended, CountUnsuspendedUsers(tx, id));
    RETURN_IF_ERROR(model::CheckAccountDeletable(account.account_type, unsuspended, strict));
    return tx.DeleteAccount(id, now);
  });
}

}  // namespace chime::api
