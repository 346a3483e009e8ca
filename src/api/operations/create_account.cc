// CreateAccount: POST /accounts → 201 {"Account": ...}. Amazon Chime creates Team accounts
// only; the new account supports Basic and Pro licenses and defaults to Pro.
#include "api/json_body.h"
#include "api/operations/operations.h"
#include "api/render.h"
#include "model/validation.h"

namespace chime::api {
namespace {

StatusOr<model::Account> NewAccountFromRequest(const Call& call) {
  ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(call.body));
  ASSIGN_OR_RETURN(std::string name, body.RequiredString("Name"));
  RETURN_IF_ERROR(model::ValidateAccountName("Name", name));

  model::Account account;
  account.account_id = NewUuid(*call.deps.random);
  account.aws_account_id = call.deps.config.aws_account_id;
  account.name = std::move(name);
  account.account_type = model::AccountType::kTeam;
  account.created_ms = call.now_ms;
  account.default_license = model::LicenseType::kPro;
  account.supported_licenses = {model::LicenseType::kBasic, model::LicenseType::kPro};
  account.status = model::AccountStatus::kActive;
  return account;
}

}  // namespace

void CreateAccount(const CallPtr& call) {
  auto account = NewAccountFromRequest(*call);
  if (!account.ok()) return call->Fail(account.status());
  RunWrite(call, 201, [account = std::move(*account)](store::Tx& tx, std::string* out) {
    RETURN_IF_ERROR(tx.InsertAccount(account));
    *out = RenderAccount(account);
    return OkStatus();
  });
}

}  // namespace chime::api
