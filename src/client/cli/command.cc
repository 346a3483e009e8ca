#include "client/cli/command.h"

namespace chime::client::cli {

Command& Command::Required(const std::string& flag, const std::string& help) {
  app_->add_option(flag, strings_[flag], help)->required();
  return *this;
}

Command& Command::Optional(const std::string& flag, const std::string& help) {
  app_->add_option(flag, strings_[flag], help);
  return *this;
}

Command& Command::Choice(const std::string& flag, const std::vector<std::string>& choices,
                         const std::string& help, bool required) {
  auto* opt = app_->add_option(flag, strings_[flag], help)->check(CLI::IsMember(choices));
  if (required) opt->required();
  return *this;
}

Command& Command::Int(const std::string& flag, const std::string& help) {
  app_->add_option(flag, ints_[flag], help);
  return *this;
}

Command& Command::List(const std::string& flag, const std::string& help, bool required) {
  auto* opt = app_->add_option(flag, lists_[flag], help)->expected(1, -1);
  if (required) opt->required();
  return *this;
}

Command& Command::Switch(const std::string& flag, const std::string& help) {
  app_->add_flag(flag, switches_[flag], help);
  return *this;
}

Command& Command::Positional(const std::string& name, const std::string& help) {
  app_->add_option(name, strings_[name], help)->required();
  return *this;
}

bool Command::Given(const std::string& flag) const {
  const CLI::Option* opt = app_->get_option_no_throw(flag);
  return opt != nullptr && opt->count() > 0;
}

std::optional<std::string> Command::Opt(const std::string& flag) const {
  if (!Given(flag)) return std::nullopt;
  return strings_.at(flag);
}

std::optional<int> Command::OptInt(const std::string& flag) const {
  if (!Given(flag)) return std::nullopt;
  return ints_.at(flag);
}

int Command::Execute(CliContext& ctx) {
  Client* client = ctx.GetClient();
  if (client == nullptr) return ctx.exit_code();
  return run_(*this, *client, ctx);
}

Command& Registry::Add(const std::string& name, const std::string& help) {
  CLI::App* sub = root_.add_subcommand(name, help);
  return commands_.emplace_back(sub);
}

Command* Registry::Selected() {
  for (Command& c : commands_) {
    if (c.app()->parsed()) return &c;
  }
  return nullptr;
}

}  // namespace chime::client::cli
