// InviteUsers: POST /accounts/{accountId}/users?operation=add → 201 {"Invites": [...]}.
// A new address becomes an Unregistered user with a Pending invitation (model/lifecycle.h);
// registration is completed by `chimed users register` (docs/api.md). An address that already
// belongs to a user of the account is re-invited by the lifecycle's rules. chimed sends no
// email, so every Invite reports EmailStatus "NotSent". InviteId is the invited user's UserId,
// so a script can pass it straight to GetUser.
#include "api/operations/operations.h"
#include "api/operations/requests.h"
#include "api/render.h"
#include "model/account_rules.h"
#include "model/lifecycle.h"

namespace chime::api {
namespace {

struct Invite {
  std::string invite_id;
  model::InvitationStatus status;
  std::string email;
};

std::string RenderInvites(const std::vector<Invite>& invites) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("Invites");
  w.StartArray();
  for (const auto& invite : invites) {
    w.StartObject();
    w.Key("InviteId");
    WriteString(w, invite.invite_id);
    w.Key("Status");
    WriteString(w, std::string(model::ToString(invite.status)));
    w.Key("EmailAddress");
    WriteString(w, invite.email);
    w.Key("EmailStatus");
    w.String("NotSent");
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

}  // namespace

void InviteUsers(const CallPtr& call) {
  auto request = ParseInviteUsers(call->labels, call->body);
  if (!request.ok()) return call->Fail(request.status());
  std::vector<std::string> new_ids;
  for (size_t i = 0; i < request->emails.size(); ++i)
    new_ids.push_back(NewUuid(*call->deps.random));
  const bool strict = call->deps.config.strict_account_types;
  RunWrite(call, 201,
           [r = std::move(*request), new_ids = std::move(new_ids), strict, now = call->now_ms](
               store::Tx& tx, std::string* out) {
             ASSIGN_OR_RETURN(model::Account account, tx.GetAccount(r.account_id));
             RETURN_IF_ERROR(model::CheckAccountAction(model::AccountAction::kInviteUsers,
                                                       account.account_type, strict));
             std::vector<Invite> invites;
             for (size_t i = 0; i < r.emails.size(); ++i) {
               ASSIGN_OR_RETURN(auto existing, tx.FindUserByEmail(r.account_id, r.emails[i]));
               if (!existing) {
                 model::User user =
                     model::NewInvitedUser(r.account_id, new_ids[i], r.emails[i], r.user_type,
                                           account.default_license, now);
                 RETURN_IF_ERROR(tx.InsertUser(user));
                 invites.push_back({user.user_id, model::InvitationStatus::kPending, r.emails[i]});
                 continue;
               }
               model::User user = std::move(*existing);
               std::string pin_to_retire;
               auto status = model::Reinvite(user, now, &pin_to_retire);
               if (!pin_to_retire.empty()) RETURN_IF_ERROR(tx.RetirePin(pin_to_retire, now));
               if (status == model::InvitationStatus::kPending)
                 RETURN_IF_ERROR(tx.UpdateUser(user));
               invites.push_back({user.user_id, status, user.primary_email});
             }
             *out = RenderInvites(invites);
             return OkStatus();
           });
}

}  // namespace chime::api
