#include "api/operations/batch_user_status.h"

#include "api/operations/requests.h"
#include "api/operations/user_errors.h"

namespace chime::api {

void RunUserStatusBatch(const CallPtr& call, model::AccountAction action,
                        bool (*transition)(model::User&)) {
  auto request = ParseUserIdList(call->labels, call->body);
  if (!request.ok()) return call->Fail(request.status());
  const bool strict = call->deps.config.strict_account_types;
  RunWrite(call, 200,
           [r = std::move(*request), action, transition, strict](store::Tx& tx, std::string* out) {
             ASSIGN_OR_RETURN(model::Account account, tx.GetAccount(r.account_id));
             RETURN_IF_ERROR(model::CheckAccountAction(action, account.account_type, strict));
             std::vector<UserError> errors;
             for (const auto& user_id : r.user_ids) {
               auto user = tx.GetUser(r.account_id, user_id);
               if (!user.ok()) {
                 if (!IsItemFailure(user.status())) return user.status();
                 errors.push_back(ToUserError(user_id, user.status()));
                 continue;
               }
               if (transition(*user)) RETURN_IF_ERROR(tx.UpdateUser(*user));
             }
             *out = RenderUserErrors(errors);
             return OkStatus();
           });
}

}  // namespace chime::api
