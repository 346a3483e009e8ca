#include "admin/accounts_command.h"

#include <cstdio>
#include <memory>
#include <string>

#include "api/render.h"
#include "model/types.h"
#include "server/store_factory.h"

namespace chime::admin {
namespace {

struct SetTypeOptions {
  std::string account_id;
  std::string type;
};

int RunSetType(const server::ServerConfig& config, const SetTypeOptions& o) {
  auto type = model::ParseAccountType(o.type);
  if (!type) {  // defensive: CLI11 already checked membership
    std::fprintf(stderr, "chimed accounts set-type: unknown type '%s'\n", o.type.c_str());
    return 1;
  }
  auto store = server::OpenStore(config);
  if (!store.ok()) {
    std::fprintf(stderr, "chimed accounts set-type: %s\n", store.status().message().c_str());
    return 1;
  }
  std::string out;
  Status s = (*store)->WriteAndWait([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(model::Account account, tx.GetAccount(o.account_id));
    account.account_type = *type;
    RETURN_IF_ERROR(tx.UpdateAccount(account));
    out = api::RenderAccount(account);
    return OkStatus();
  });
  (*store)->Close();
  if (!s.ok()) {
    std::fprintf(stderr, "chimed accounts set-type: %s\n", s.message().c_str());
    return 1;
  }
  std::printf("%s\n", out.c_str());
  return 0;
}

}  // namespace

void AddAccountsCommands(CLI::App& app, const server::ServerConfig& config, int* exit_code) {
  CLI::App* accounts = app.add_subcommand("accounts", "Administer accounts (account type)");
  accounts->require_subcommand(1);
  auto options = std::make_shared<SetTypeOptions>();
  CLI::App* set_type = accounts->add_subcommand(
      "set-type", "Set an account's AccountType (CreateAccount makes Team accounts only)");
  set_type->add_option("--account-id", options->account_id, "Chime account id")->required();
  set_type->add_option("--type", options->type, "The new AccountType")
      ->required()
      ->check(CLI::IsMember({"Team", "EnterpriseDirectory", "EnterpriseLWA", "EnterpriseOIDC"}));
  set_type->callback([&config, exit_code, options] { *exit_code = RunSetType(config, *options); });
}

}  // namespace chime::admin
