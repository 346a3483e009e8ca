// chimectl's user subcommands, one per operation, with the AWS CLI's names and flags
// (`aws chime reset-personal-pin --account-id A --user-id U`).
#include "client/cli/command.h"
#include "client/cli/list_commands.h"
#include "client/cli/shorthand.h"

namespace chime::client::cli {
namespace {

const std::vector<std::string> kLicenses = {"Basic", "Plus", "Pro", "ProTrial"};
const std::vector<std::string> kUserTypes = {"PrivateUser", "SharedDevice"};
constexpr char kAccountId[] = "--account-id";
constexpr char kAccountIdHelp[] = "The Amazon Chime account ID.";
constexpr char kUserId[] = "--user-id";
constexpr char kUserIdHelp[] = "The user ID.";

Command& AccountAndUser(Registry& reg, const std::string& name, const std::string& help) {
  return reg.Add(name, help).Required(kAccountId, kAccountIdHelp).Required(kUserId, kUserIdHelp);
}

// A --user-id-list operation (suspend / unsuspend).
template <typename Request>
void AddBatchIdCommand(Registry& reg, const std::string& name, const char* op,
                       const std::string& help,
                       Result<std::vector<UserError>> (Client::*call)(const Request&)) {
  reg.Add(name, help)
      .Required(kAccountId, kAccountIdHelp)
      .List("--user-id-list", "The user IDs (at most 50).", true)
      .Run([op, call](Command& c, Client& client, CliContext& ctx) {
        return ctx.EmitList(op,
                            (client.*call)(Request{c.Str(kAccountId), c.Strings("--user-id-list")}),
                            "UserErrors");
      });
}

}  // namespace

void AddUserCommands(Registry& reg) {
  reg.Add("create-user", "Creates a user under the specified Amazon Chime account.")
      .Required(kAccountId, kAccountIdHelp)
      .Optional("--username", "The user name.")
      .Optional("--email", "The user's email address.")
      .Choice("--user-type", kUserTypes, "The user type.")
      .Run([](Command& c, Client& client, CliContext& ctx) {
        return ctx.Emit("CreateUser",
                        client.CreateUser({c.Str(kAccountId), c.Opt("--username"), c.Opt("--email"),
                                           c.Opt("--user-type")}),
                        "User");
      });

  reg.Add("invite-users",
          "Sends email to a maximum of 50 users, inviting them to the specified Amazon Chime "
          "Team account.")
      .Required(kAccountId, kAccountIdHelp)
      .List("--user-email-list", "The user email addresses to which to send the email invitation.",
            true)
      .Choice("--user-type", kUserTypes, "The user type.")
      .Run([](Command& c, Client& client, CliContext& ctx) {
        return ctx.EmitList("InviteUsers",
                            client.InviteUsers({c.Str(kAccountId), c.Strings("--user-email-list"),
                                                c.Opt("--user-type")}),
                            "Invites");
      });

  AccountAndUser(reg, "get-user",
                 "Retrieves details for the specified user ID, such as primary email address, "
                 "license type, and personal meeting PIN.")
      .Run([](Command& c, Client& client, CliContext& ctx) {
        return ctx.Emit("GetUser", client.GetUser({c.Str(kAccountId), c.Str(kUserId)}), "User");
      });

  AccountAndUser(reg, "update-user", "Updates user details for a specified user ID.")
      .Choice("--license-type", kLicenses, "The user license type to update.")
      .Choice("--user-type", kUserTypes, "The user type.")
      .Optional("--alexa-for-business-metadata",
                "IsAlexaForBusinessEnabled=boolean,AlexaForBusinessRoomArn=string, or JSON.")
      .Run([](Command& c, Client& client, CliContext& ctx) {
        UpdateUserRequest req{c.Str(kAccountId), c.Str(kUserId), c.Opt("--license-type"),
                              c.Opt("--user-type"), std::nullopt};
        if (auto text = c.Opt("--alexa-for-business-metadata")) {
          auto doc = ParseStructureArg("--alexa-for-business-metadata", *text);
          if (!doc.ok()) return ctx.ReportError("UpdateUser", doc.error());
          req.alexa_for_business_metadata = AlexaFromJson(*doc);
        }
        return ctx.Emit("UpdateUser", client.UpdateUser(req), "User");
      });

  AddListUsersCommand(reg);

  AccountAndUser(reg, "reset-personal-pin",
                 "Resets the personal meeting PIN for the specified user on an Amazon Chime "
                 "account. Returns the User object with the updated personal meeting PIN.")
      .Run([](Command& c, Client& client, CliContext& ctx) {
        return ctx.Emit("ResetPersonalPIN",
                        client.ResetPersonalPin({c.Str(kAccountId), c.Str(kUserId)}), "User");
      });

  AccountAndUser(reg, "logout-user",
                 "Logs out the specified user from all of the devices they are signed in to.")
      .Run([](Command& c, Client& client, CliContext& ctx) {
        return ctx.EmitEmpty("LogoutUser", client.LogoutUser({c.Str(kAccountId), c.Str(kUserId)}));
      });

  reg.Add("batch-update-user",
          "Updates user details within the UpdateUserRequestItem object for up to 20 users.")
      .Required(kAccountId, kAccountIdHelp)
      .List("--update-user-request-items",
            "UserId=string,LicenseType=string,UserType=string ... (or a JSON list).", true)
      .Run([](Command& c, Client& client, CliContext& ctx) {
        BatchUpdateUserRequest req{c.Str(kAccountId), {}};
        for (const std::string& arg : c.Strings("--update-user-request-items")) {
          auto doc = ParseStructureArg("--update-user-request-items", arg);
          if (!doc.ok()) return ctx.ReportError("BatchUpdateUser", doc.error());
          if (doc->IsArray()) {
            for (const auto& item : doc->GetArray()) {
              req.update_user_request_items.push_back(UpdateUserRequestItemFromJson(item));
            }
          } else {
            req.update_user_request_items.push_back(UpdateUserRequestItemFromJson(*doc));
          }
        }
        return ctx.EmitList("BatchUpdateUser", client.BatchUpdateUser(req), "UserErrors");
      });

  AddBatchIdCommand(reg, "batch-suspend-user", "BatchSuspendUser",
                    "Suspends up to 50 users from a Team or EnterpriseLWA Amazon Chime account.",
                    &Client::BatchSuspendUser);
  AddBatchIdCommand(reg, "batch-unsuspend-user", "BatchUnsuspendUser",
                    "Removes the suspension from up to 50 previously suspended users.",
                    &Client::BatchUnsuspendUser);

  AccountAndUser(reg, "get-user-settings",
                 "Retrieves settings for the specified user ID, such as any associated phone "
                 "number settings.")
      .Run([](Command& c, Client& client, CliContext& ctx) {
        return ctx.Emit("GetUserSettings",
                        client.GetUserSettings({c.Str(kAccountId), c.Str(kUserId)}),
                        "UserSettings");
      });

  AccountAndUser(reg, "update-user-settings", "Updates the settings for the specified user.")
      .Required("--user-settings",
                "Telephony={InboundCalling=boolean,OutboundCalling=boolean,SMS=boolean}, or JSON.")
      .Run([](Command& c, Client& client, CliContext& ctx) {
        auto doc = ParseStructureArg("--user-settings", c.Str("--user-settings"));
        if (!doc.ok()) return ctx.ReportError("UpdateUserSettings", doc.error());
        return ctx.EmitEmpty("UpdateUserSettings",
                             client.UpdateUserSettings(
                                 {c.Str(kAccountId), c.Str(kUserId), UserSettingsFromJson(*doc)}));
      });

  AccountAndUser(reg, "associate-phone-number-with-user",
                 "Associates a phone number with the specified Amazon Chime user.")
      .Required("--e164-phone-number", "The phone number, in E.164 format.")
      .Run([](Command& c, Client& client, CliContext& ctx) {
        return ctx.EmitEmpty("AssociatePhoneNumberWithUser",
                             client.AssociatePhoneNumberWithUser({c.Str(kAccountId), c.Str(kUserId),
                                                                  c.Str("--e164-phone-number")}));
      });

  AccountAndUser(reg, "disassociate-phone-number-from-user",
                 "Disassociates the primary provisioned phone number from the specified user.")
      .Run([](Command& c, Client& client, CliContext& ctx) {
        return ctx.EmitEmpty(
            "DisassociatePhoneNumberFromUser",
            client.DisassociatePhoneNumberFromUser({c.Str(kAccountId), c.Str(kUserId)}));
      });
}

}  // namespace chime::client::cli
