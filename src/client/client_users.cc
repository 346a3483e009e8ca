// The user operations: one method per operation of the model, wire facts from botocore's
// chime 2018-05-01 model (method, request URI, where each member travels).
#include <string>

#include "client/operation_call.h"

namespace chime::client {

using internal::Body;
using internal::Label;
using internal::SendDocument;
using internal::SendNoOutput;
using internal::SendSingle;

namespace {

// "/accounts/{accountId}/users/{userId}" with both labels encoded.
Result<std::string> UserPath(const std::string& account_id, const std::string& user_id) {
  CLIENT_ASSIGN_OR_RETURN(std::string account, Label("AccountId", account_id));
  CLIENT_ASSIGN_OR_RETURN(std::string user, Label("UserId", user_id));
  return "/accounts/" + account + "/users/" + user;
}

Result<std::string> UsersPath(const std::string& account_id) {
  CLIENT_ASSIGN_OR_RETURN(std::string account, Label("AccountId", account_id));
  return "/accounts/" + account + "/users";
}

std::vector<UserError> UserErrorsFromDoc(const rapidjson::Document& doc) {
  return internal::ListMember<UserError>(doc, "UserErrors", UserErrorFromJson);
}

}  // namespace

Result<User> Client::CreateUser(const CreateUserRequest& r) {
  CLIENT_ASSIGN_OR_RETURN(std::string path, UsersPath(r.account_id));
  Body body;
  body.Str("Username", r.username).Str("Email", r.email).Str("UserType", r.user_type);
  return SendSingle(*this, {"CreateUser", "POST", path + "?operation=create", {}, body.Dump()},
                    "User", UserFromJson);
}

Result<std::vector<Invite>> Client::InviteUsers(const InviteUsersRequest& r) {
  CLIENT_ASSIGN_OR_RETURN(std::string path, UsersPath(r.account_id));
  Body body;
  body.Strings("UserEmailList", r.user_email_list).Str("UserType", r.user_type);
  return SendDocument(*this, {"InviteUsers", "POST", path + "?operation=add", {}, body.Dump()},
                      [](const rapidjson::Document& doc) {
                        return internal::ListMember<Invite>(doc, "Invites", InviteFromJson);
                      });
}

Result<User> Client::GetUser(const GetUserRequest& r) {
  CLIENT_ASSIGN_OR_RETURN(std::string path, UserPath(r.account_id, r.user_id));
  return SendSingle(*this, {"GetUser", "GET", path, {}, std::nullopt}, "User", UserFromJson);
}

Result<User> Client::UpdateUser(const UpdateUserRequest& r) {
  CLIENT_ASSIGN_OR_RETURN(std::string path, UserPath(r.account_id, r.user_id));
  Body body;
  body.Str("LicenseType", r.license_type)
      .Str("UserType", r.user_type)
      .Nested("AlexaForBusinessMetadata", r.alexa_for_business_metadata);
  return SendSingle(*this, {"UpdateUser", "POST", path, {}, body.Dump()}, "User", UserFromJson);
}

Result<ListUsersResponse> Client::ListUsers(const ListUsersRequest& r) {
  CLIENT_ASSIGN_OR_RETURN(std::string path, UsersPath(r.account_id));
  Call call{"ListUsers", "GET", path, {}, std::nullopt};
  if (r.user_email) call.query.emplace_back("user-email", *r.user_email);
  if (r.user_type) call.query.emplace_back("user-type", *r.user_type);
  if (r.max_results) call.query.emplace_back("max-results", std::to_string(*r.max_results));
  if (r.next_token) call.query.emplace_back("next-token", *r.next_token);
  return SendDocument(*this, call, [](const rapidjson::Document& doc) {
    return ListUsersResponse{internal::ListMember<User>(doc, "Users", UserFromJson),
                             internal::StringMember(doc, "NextToken")};
  });
}

Result<User> Client::ResetPersonalPin(const ResetPersonalPinRequest& r) {
  CLIENT_ASSIGN_OR_RETURN(std::string path, UserPath(r.account_id, r.user_id));
  // No body and no Content-Type, like botocore (the input has only path members).
  Call call{"ResetPersonalPIN", "POST", path + "?operation=reset-personal-pin", {}, std::nullopt};
  return SendSingle(*this, call, "User", UserFromJson);
}

Result<Empty> Client::LogoutUser(const LogoutUserRequest& r) {
  CLIENT_ASSIGN_OR_RETURN(std::string path, UserPath(r.account_id, r.user_id));
  return SendNoOutput(*this, {"LogoutUser", "POST", path + "?operation=logout", {}, std::nullopt});
}

Result<std::vector<UserError>> Client::BatchUpdateUser(const BatchUpdateUserRequest& r) {
  CLIENT_ASSIGN_OR_RETURN(std::string path, UsersPath(r.account_id));
  Body body;
  body.List("UpdateUserRequestItems", r.update_user_request_items);
  return SendDocument(*this, {"BatchUpdateUser", "POST", path, {}, body.Dump()}, UserErrorsFromDoc);
}

Result<std::vector<UserError>> Client::BatchSuspendUser(const BatchSuspendUserRequest& r) {
  CLIENT_ASSIGN_OR_RETURN(std::string path, UsersPath(r.account_id));
  Body body;
  body.Strings("UserIdList", r.user_id_list);
  return SendDocument(*this,
                      {"BatchSuspendUser", "POST", path + "?operation=suspend", {}, body.Dump()},
                      UserErrorsFromDoc);
}

Result<std::vector<UserError>> Client::BatchUnsuspendUser(const BatchUnsuspendUserRequest& r) {
  CLIENT_ASSIGN_OR_RETURN(std::string path, UsersPath(r.account_id));
  Body body;
  body.Strings("UserIdList", r.user_id_list);
  return SendDocument(
      *this, {"BatchUnsuspendUser", "POST", path + "?operation=unsuspend", {}, body.Dump()},
      UserErrorsFromDoc);
}

Result<UserSettings> Client::GetUserSettings(const GetUserSettingsRequest& r) {
  CLIENT_ASSIGN_OR_RETURN(std::string path, UserPath(r.account_id, r.user_id));
  return SendSingle(*this, {"GetUserSettings", "GET", path + "/settings", {}, std::nullopt},
                    "UserSettings", UserSettingsFromJson);
}

Result<Empty> Client::UpdateUserSettings(const UpdateUserSettingsRequest& r) {
  CLIENT_ASSIGN_OR_RETURN(std::string path, UserPath(r.account_id, r.user_id));
  Body body;
  body.Val("UserSettings", ToJson(r.user_settings, body.alloc()));
  return SendNoOutput(*this, {"UpdateUserSettings", "PUT", path + "/settings", {}, body.Dump()});
}

Result<Empty> Client::AssociatePhoneNumberWithUser(const AssociatePhoneNumberWithUserRequest& r) {
  CLIENT_ASSIGN_OR_RETURN(std::string path, UserPath(r.account_id, r.user_id));
  Body body;
  body.Str("E164PhoneNumber", r.e164_phone_number);
  return SendNoOutput(*this, {"AssociatePhoneNumberWithUser",
                              "POST",
                              path + "?operation=associate-phone-number",
                              {},
                              body.Dump()});
}

Result<Empty> Client::DisassociatePhoneNumberFromUser(
    const DisassociatePhoneNumberFromUserRequest& r) {
  CLIENT_ASSIGN_OR_RETURN(std::string path, UserPath(r.account_id, r.user_id));
  return SendNoOutput(*this, {"DisassociatePhoneNumberFromUser",
                              "POST",
                              path + "?operation=disassociate-phone-number",
                              {},
                              std::nullopt});
}

Result<GlobalSettings> Client::GetGlobalSettings(const GetGlobalSettingsRequest&) {
  return SendDocument(*this, {"GetGlobalSettings", "GET", "/settings", {}, std::nullopt},
                      [](const rapidjson::Document& doc) { return GlobalSettingsFromJson(doc); });
}

Result<Empty> Client::UpdateGlobalSettings(const UpdateGlobalSettingsRequest& r) {
  Body body;
  rapidjson::Value v = ToJson(r, body.alloc());
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    body.Val(it->name.GetString(), std::move(it->value));
  }
  return SendNoOutput(*this, {"UpdateGlobalSettings", "PUT", "/settings", {}, body.Dump()});
}

}  // namespace chime::client
