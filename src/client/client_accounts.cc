// The account operations: one method per operation of the model, wire facts from botocore's
// chime 2018-05-01 model (method, request URI, where each member travels).
#include <string>

#include "client/operation_call.h"

namespace chime::client {

using internal::Body;
using internal::Label;
using internal::SendDocument;
using internal::SendNoOutput;
using internal::SendSingle;

Result<Account> Client::CreateAccount(const CreateAccountRequest& r) {
  Call call{"CreateAccount", "POST", "/accounts", {}, Body().Str("Name", r.name).Dump()};
  return SendSingle(*this, call, "Account", AccountFromJson);
}

Result<Account> Client::GetAccount(const GetAccountRequest& r) {
  CLIENT_ASSIGN_OR_RETURN(std::string account, Label("AccountId", r.account_id));
  return SendSingle(*this, {"GetAccount", "GET", "/accounts/" + account, {}, std::nullopt},
                    "Account", AccountFromJson);
}

Result<Account> Client::UpdateAccount(const UpdateAccountRequest& r) {
  CLIENT_ASSIGN_OR_RETURN(std::string account, Label("AccountId", r.account_id));
  Body body;
  body.Str("Name", r.name).Str("DefaultLicense", r.default_license);
  return SendSingle(*this, {"UpdateAccount", "POST", "/accounts/" + account, {}, body.Dump()},
                    "Account", AccountFromJson);
}

Result<Empty> Client::DeleteAccount(const DeleteAccountRequest& r) {
  CLIENT_ASSIGN_OR_RETURN(std::string account, Label("AccountId", r.account_id));
  return SendNoOutput(*this, {"DeleteAccount", "DELETE", "/accounts/" + account, {}, std::nullopt});
}

Result<ListAccountsResponse> Client::ListAccounts(const ListAccountsRequest& r) {
  Call call{"ListAccounts", "GET", "/accounts", {}, std::nullopt};
  if (r.name) call.query.emplace_back("name", *r.name);
  if (r.user_email) call.query.emplace_back("user-email", *r.user_email);
  if (r.next_token) call.query.emplace_back("next-token", *r.next_token);
  if (r.max_results) call.query.emplace_back("max-results", std::to_string(*r.max_results));
  return SendDocument(*this, call, [](const rapidjson::Document& doc) {
    return ListAccountsResponse{internal::ListMember<Account>(doc, "Accounts", AccountFromJson),
                                internal::StringMember(doc, "NextToken")};
  });
}

Result<AccountSettings> Client::GetAccountSettings(const GetAccountSettingsRequest& r) {
  CLIENT_ASSIGN_OR_RETURN(std::string account, Label("AccountId", r.account_id));
  Call call{"GetAccountSettings", "GET", "/accounts/" + account + "/settings", {}, std::nullopt};
  return SendSingle(*this, call, "AccountSettings", AccountSettingsFromJson);
}

Result<Empty> Client::UpdateAccountSettings(const UpdateAccountSettingsRequest& r) {
  CLIENT_ASSIGN_OR_RETURN(std::string account, Label("AccountId", r.account_id));
  Body body;
  body.Val("AccountSettings", ToJson(r.account_settings, body.alloc()));
  return SendNoOutput(
      *this,
      {"UpdateAccountSettings", "PUT", "/accounts/" + account + "/settings", {}, body.Dump()});
}

Result<Empty> Client::AssociateSigninDelegateGroupsWithAccount(
    const AssociateSigninDelegateGroupsWithAccountRequest& r) {
  CLIENT_ASSIGN_OR_RETURN(std::string account, Label("AccountId", r.account_id));
  Body body;
  body.List("SigninDelegateGroups", r.signin_delegate_groups);
  return SendNoOutput(*this,
                      {"AssociateSigninDelegateGroupsWithAccount",
                       "POST",
                       "/accounts/" + account + "?operation=associate-signin-delegate-groups",
                       {},
                       body.Dump()});
}

Result<Empty> Client::DisassociateSigninDelegateGroupsFromAccount(
    const DisassociateSigninDelegateGroupsFromAccountRequest& r) {
  CLIENT_ASSIGN_OR_RETURN(std::string account, Label("AccountId", r.account_id));
  Body body;
  body.Strings("GroupNames", r.group_names);
  return SendNoOutput(*this,
                      {"DisassociateSigninDelegateGroupsFromAccount",
                       "POST",
                       "/accounts/" + account + "?operation=disassociate-signin-delegate-groups",
                       {},
                       body.Dump()});
}

namespace {
RetentionSettingsResponse RetentionFromDoc(const rapidjson::Document& doc) {
  RetentionSettingsResponse out;
  auto it = doc.FindMember("RetentionSettings");
  if (it != doc.MemberEnd() && it->value.IsObject()) {
    out.retention_settings = RetentionSettingsFromJson(it->value);
  }
  out.initiate_deletion_timestamp = internal::StringMember(doc, "InitiateDeletionTimestamp");
  return out;
}
}  // namespace

Result<RetentionSettingsResponse> Client::GetRetentionSettings(
    const GetRetentionSettingsRequest& r) {
  CLIENT_ASSIGN_OR_RETURN(std::string account, Label("AccountId", r.account_id));
  return SendDocument(*this,
                      {"GetRetentionSettings",
                       "GET",
                       "/accounts/" + account + "/retention-settings",
                       {},
                       std::nullopt},
                      RetentionFromDoc);
}

Result<RetentionSettingsResponse> Client::PutRetentionSettings(
    const PutRetentionSettingsRequest& r) {
  CLIENT_ASSIGN_OR_RETURN(std::string account, Label("AccountId", r.account_id));
  Body body;
  body.Val("RetentionSettings", ToJson(r.retention_settings, body.alloc()));
  return SendDocument(*this,
                      {"PutRetentionSettings",
                       "PUT",
                       "/accounts/" + account + "/retention-settings",
                       {},
                       body.Dump()},
                      RetentionFromDoc);
}

}  // namespace chime::client
