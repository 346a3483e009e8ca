// CreateUser: POST /accounts/{accountId}/users?operation=create → 201 {"User": ...}.
// chimed has no directory to register against, so a created user is Registered at once and
// receives a personal meeting PIN (returned here, as an administrator creating a user needs
// it). Duplicate emails within an account are a ConflictException, as the model lists.
// Amazon Chime meant CreateUser for Enterprise accounts; chimed allows it on Team accounts
// too unless --strict-account-types (model/account_rules.h).
#include "api/json_body.h"
#include "api/operations/inputs.h"
#include "api/operations/operations.h"
#include "api/render.h"
#include "model/account_rules.h"
#include "model/pin.h"
#include "model/validation.h"

namespace chime::api {
namespace {

StatusOr<model::User> NewUserFromRequest(const Call& call) {
  model::User user;
  ASSIGN_OR_RETURN(user.account_id, AccountIdLabel(call));
  ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(call.body));
  ASSIGN_OR_RETURN(auto username, body.OptionalString("Username"));
  ASSIGN_OR_RETURN(auto email, body.OptionalString("Email"));
  ASSIGN_OR_RETURN(auto user_type, body.OptionalString("UserType"));
  if (username) {
    RETURN_IF_ERROR(model::RequireNonEmpty("Username", *username));
    if (username->size() > 256) return InvalidArgument("Username must be at most 256 characters.");
    user.display_name = std::move(*username);
  }
  if (email) {
    RETURN_IF_ERROR(model::ValidateEmail("Email", *email));
    if (email->size() > 320) return InvalidArgument("Email must be at most 320 characters.");
    user.primary_email = std::move(*email);
  }
  if (user_type) {
    auto parsed = model::ParseUserType(*user_type);
    if (!parsed) return InvalidArgument("UserType must be one of PrivateUser, SharedDevice.");
    user.user_type = *parsed;
  }
  user.user_id = NewUuid(*call.deps.random);
  user.registration_status = model::RegistrationStatus::kRegistered;
  user.registered_ms = call.now_ms;
  return user;
}

}  // namespace

void CreateUser(const CallPtr& call) {
  auto user = NewUserFromRequest(*call);
  if (!user.ok()) return call->Fail(user.status());
  RandomSource* random = call->deps.random;
  const bool strict = call->deps.config.strict_account_types;
  RunWrite(call, 201, [user = std::move(*user), random, strict](store::Tx& tx,
                                                                std::string* out) mutable {
    ASSIGN_OR_RETURN(model::Account account, tx.GetAccount(user.account_id));
    RETURN_IF_ERROR(
        model::CheckAccountAction(model::AccountAction::kCreateUser, account.account_type, strict));
    user.license_type = account.default_license;
    if (!user.primary_email.empty()) {
      ASSIGN_OR_RETURN(auto existing, tx.FindUserByEmail(user.account_id, user.primary_email));
      if (existing) return Conflict("A user with this email address already exists in the account.");
    }
    ASSIGN_OR_RETURN(user.personal_pin,
                     model::AllocatePin(*random, [&](const std::string& pin) { return tx.PinTaken(pin); }, ""));
    RETURN_IF_ERROR(tx.InsertUser(user));
    *out = RenderUser(user, /*with_pin=*/true);
    return OkStatus();
  });
}

}  // namespace chime::api
