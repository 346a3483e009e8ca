#include "admin/users_command.h"

#include <cstdio>
#include <memory>
#include <string>

#include "api/render.h"
#include "common/clock.h"
#include "common/random.h"
#include "model/lifecycle.h"
#include "model/pin.h"
#include "server/store_factory.h"

namespace chime::admin {
namespace {

struct RegisterOptions {
  std::string account_id;
  std::string user_id;
};

// Registers the user in one durable write; `*out` receives the rendered user.
Status RegisterUser(store::Store& store, const RegisterOptions& o, std::string* out) {
  const int64_t now = SystemClock::Get().NowMs();
  RandomSource& random = CryptoRandom::Get();
  return store.WriteAndWait([&](store::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.GetAccount(o.account_id).status());
    ASSIGN_OR_RETURN(model::User user, tx.GetUser(o.account_id, o.user_id));
    RETURN_IF_ERROR(model::Register(user, now));
    ASSIGN_OR_RETURN(user.personal_pin,
                     model::AllocatePin(
                         random, [&](const std::string& pin) { return tx.PinTaken(pin); }, ""));
    RETURN_IF_ERROR(tx.UpdateUser(user));
    *out = api::RenderUser(user, /*with_pin=*/true);
    return OkStatus();
  });
}

int RunRegister(const server::ServerConfig& config, const RegisterOptions& o) {
  auto store = server::OpenStore(config);
  if (!store.ok()) {
    std::fprintf(stderr, "chimed users register: %s\n", store.status().message().c_str());
    return 1;
  }
  std::string out;
  Status s = RegisterUser(**store, o, &out);
  (*store)->Close();
  if (!s.ok()) {
    std::fprintf(stderr, "chimed users register: %s\n", s.message().c_str());
    return 1;
  }
  std::printf("%s\n", out.c_str());
  return 0;
}

}  // namespace

void AddUsersCommands(CLI::App& app, const server::ServerConfig& config, int* exit_code) {
  CLI::App* users = app.add_subcommand("users", "Administer users (registration)");
  users->require_subcommand(1);
  auto options = std::make_shared<RegisterOptions>();
  CLI::App* reg = users->add_subcommand(
      "register",
      "Complete an invited user's registration: Registered, invitation Accepted, new PIN");
  reg->add_option("--account-id", options->account_id, "Chime account id")->required();
  reg->add_option("--user-id", options->user_id, "User id (the InviteId InviteUsers returned)")
      ->required();
  reg->callback([&config, exit_code, options] { *exit_code = RunRegister(config, *options); });
}

}  // namespace chime::admin
