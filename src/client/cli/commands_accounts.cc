// chimectl's account subcommands, one per operation, with the AWS CLI's names and flags
// (`aws chime create-account --name ...`).
#include "client/cli/command.h"
#include "client/cli/list_commands.h"
#include "client/cli/shorthand.h"

namespace chime::client::cli {
namespace {

const std::vector<std::string> kLicenses = {"Basic", "Plus", "Pro", "ProTrial"};
constexpr char kAccountId[] = "--account-id";
constexpr char kAccountIdHelp[] = "The Amazon Chime account ID.";

}  // namespace

void AddAccountCommands(Registry& reg) {
  reg.Add("create-account",
          "Creates an Amazon Chime account under the administrator's AWS account.")
      .Required("--name", "The name of the Amazon Chime account.")
      .Run([](Command& c, Client& client, CliContext& ctx) {
        return ctx.Emit("CreateAccount", client.CreateAccount({c.Str("--name")}), "Account");
      });

  reg.Add("get-account", "Retrieves details for the specified Amazon Chime account.")
      .Required(kAccountId, kAccountIdHelp)
      .Run([](Command& c, Client& client, CliContext& ctx) {
        return ctx.Emit("GetAccount", client.GetAccount({c.Str(kAccountId)}), "Account");
      });

  reg.Add("update-account", "Updates account details for the specified Amazon Chime account.")
      .Required(kAccountId, kAccountIdHelp)
      .Optional("--name", "The new name for the specified Amazon Chime account.")
      .Choice("--default-license", kLicenses, "The default license applied when you add users.")
      .Run([](Command& c, Client& client, CliContext& ctx) {
        return ctx.Emit(
            "UpdateAccount",
            client.UpdateAccount({c.Str(kAccountId), c.Opt("--name"), c.Opt("--default-license")}),
            "Account");
      });

  reg.Add("delete-account",
          "Deletes the specified Amazon Chime account (Team accounts: suspend users first).")
      .Required(kAccountId, kAccountIdHelp)
      .Run([](Command& c, Client& client, CliContext& ctx) {
        return ctx.EmitEmpty("DeleteAccount", client.DeleteAccount({c.Str(kAccountId)}));
      });

  AddListAccountsCommand(reg);

  reg.Add("get-account-settings",
          "Retrieves account settings (remote control of shared screens, dial-out option).")
      .Required(kAccountId, kAccountIdHelp)
      .Run([](Command& c, Client& client, CliContext& ctx) {
        return ctx.Emit("GetAccountSettings", client.GetAccountSettings({c.Str(kAccountId)}),
                        "AccountSettings");
      });

  reg.Add("update-account-settings", "Updates the settings for the specified Amazon Chime account.")
      .Required(kAccountId, kAccountIdHelp)
      .Required("--account-settings",
                "DisableRemoteControl=boolean,EnableDialOut=boolean, or the same as JSON.")
      .Run([](Command& c, Client& client, CliContext& ctx) {
        auto doc = ParseStructureArg("--account-settings", c.Str("--account-settings"));
        if (!doc.ok()) return ctx.ReportError("UpdateAccountSettings", doc.error());
        return ctx.EmitEmpty(
            "UpdateAccountSettings",
            client.UpdateAccountSettings({c.Str(kAccountId), AccountSettingsFromJson(*doc)}));
      });

  reg.Add("associate-signin-delegate-groups-with-account",
          "Associates the specified sign-in delegate groups with the specified account.")
      .Required(kAccountId, kAccountIdHelp)
      .List("--signin-delegate-groups", "GroupName=string ... (or a JSON list).", true)
      .Run([](Command& c, Client& client, CliContext& ctx) {
        constexpr char kOp[] = "AssociateSigninDelegateGroupsWithAccount";
        std::vector<SigninDelegateGroup> groups;
        for (const std::string& arg : c.Strings("--signin-delegate-groups")) {
          auto doc = ParseStructureArg("--signin-delegate-groups", arg);
          if (!doc.ok()) return ctx.ReportError(kOp, doc.error());
          if (doc->IsArray()) {
            for (const auto& g : doc->GetArray()) groups.push_back(SigninDelegateGroupFromJson(g));
          } else {
            groups.push_back(SigninDelegateGroupFromJson(*doc));
          }
        }
        return ctx.EmitEmpty(
            kOp, client.AssociateSigninDelegateGroupsWithAccount({c.Str(kAccountId), groups}));
      });

  reg.Add("disassociate-signin-delegate-groups-from-account",
          "Disassociates the specified sign-in delegate groups from the specified account.")
      .Required(kAccountId, kAccountIdHelp)
      .List("--group-names", "The sign-in delegate group names.", true)
      .Run([](Command& c, Client& client, CliContext& ctx) {
        return ctx.EmitEmpty("DisassociateSigninDelegateGroupsFromAccount",
                             client.DisassociateSigninDelegateGroupsFromAccount(
                                 {c.Str(kAccountId), c.Strings("--group-names")}));
      });

  reg.Add("get-retention-settings", "Gets the retention settings for the specified account.")
      .Required(kAccountId, kAccountIdHelp)
      .Run([](Command& c, Client& client, CliContext& ctx) {
        auto r = client.GetRetentionSettings({c.Str(kAccountId)});
        if (!r.ok()) return ctx.ReportError("GetRetentionSettings", r.error());
        rapidjson::Document doc;
        doc.CopyFrom(ToJson(*r, doc.GetAllocator()), doc.GetAllocator());
        return ctx.Print("GetRetentionSettings", doc);
      });

  reg.Add("put-retention-settings", "Puts retention settings for the specified account.")
      .Required(kAccountId, kAccountIdHelp)
      .Required("--retention-settings",
                "RoomRetentionSettings={RetentionDays=integer},ConversationRetentionSettings="
                "{RetentionDays=integer}, or the same as JSON.")
      .Run([](Command& c, Client& client, CliContext& ctx) {
        auto arg = ParseStructureArg("--retention-settings", c.Str("--retention-settings"));
        if (!arg.ok()) return ctx.ReportError("PutRetentionSettings", arg.error());
        auto r = client.PutRetentionSettings({c.Str(kAccountId), RetentionSettingsFromJson(*arg)});
        if (!r.ok()) return ctx.ReportError("PutRetentionSettings", r.error());
        rapidjson::Document doc;
        doc.CopyFrom(ToJson(*r, doc.GetAllocator()), doc.GetAllocator());
        return ctx.Print("PutRetentionSettings", doc);
      });

  reg.Add("get-global-settings",
          "Retrieves global settings for the administrator's AWS account (CDR buckets).")
      .Run([](Command&, Client& client, CliContext& ctx) {
        auto r = client.GetGlobalSettings();
        if (!r.ok()) return ctx.ReportError("GetGlobalSettings", r.error());
        rapidjson::Document doc;
        doc.CopyFrom(ToJson(*r, doc.GetAllocator()), doc.GetAllocator());
        return ctx.Print("GetGlobalSettings", doc);
      });

  reg.Add("update-global-settings", "Updates global settings for the administrator's AWS account.")
      .Optional("--business-calling", "CdrBucket=string, or the same as JSON.")
      .Optional("--voice-connector", "CdrBucket=string, or the same as JSON.")
      .Run([](Command& c, Client& client, CliContext& ctx) {
        GlobalSettings g;
        for (const char* flag : {"--business-calling", "--voice-connector"}) {
          auto text = c.Opt(flag);
          if (!text) continue;
          auto doc = ParseStructureArg(flag, *text);
          if (!doc.ok()) return ctx.ReportError("UpdateGlobalSettings", doc.error());
          auto bucket =
              doc->IsObject() && doc->HasMember("CdrBucket") && (*doc)["CdrBucket"].IsString()
                  ? std::optional<std::string>((*doc)["CdrBucket"].GetString())
                  : std::nullopt;
          if (std::string(flag) == "--business-calling") {
            g.business_calling = BusinessCallingSettings{bucket};
          } else {
            g.voice_connector = VoiceConnectorSettings{bucket};
          }
        }
        return ctx.EmitEmpty("UpdateGlobalSettings", client.UpdateGlobalSettings(g));
      });
}

}  // namespace chime::client::cli
