// A small registry that keeps chimectl's per-subcommand flag storage stable while CLI11 holds
// pointers into it, and runs the subcommand that was parsed.
#pragma once

#include <CLI/CLI.hpp>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "client/cli/context.h"

namespace chime::client::cli {

class Command {
 public:
  using RunFn = std::function<int(Command&, Client&, CliContext&)>;

  explicit Command(CLI::App* app) : app_(app) {}

  // A required / optional string flag, an optional integer flag, a list flag (one or more
  // values, as the AWS CLI's list parameters), a boolean switch.
  Command& Required(const std::string& flag, const std::string& help);
  Command& Optional(const std::string& flag, const std::string& help);
  Command& Choice(const std::string& flag, const std::vector<std::string>& choices,
                  const std::string& help, bool required = false);
  Command& Int(const std::string& flag, const std::string& help);
  Command& List(const std::string& flag, const std::string& help, bool required);
  Command& Switch(const std::string& flag, const std::string& help);
  Command& Positional(const std::string& name, const std::string& help);
  Command& Run(RunFn fn) {
    run_ = std::move(fn);
    return *this;
  }

  const std::string& Str(const std::string& flag) const { return strings_.at(flag); }
  std::optional<std::string> Opt(const std::string& flag) const;
  std::optional<int> OptInt(const std::string& flag) const;
  const std::vector<std::string>& Strings(const std::string& flag) const { return lists_.at(flag); }
  bool On(const std::string& flag) const { return switches_.at(flag); }
  bool Given(const std::string& flag) const;

  CLI::App* app() const { return app_; }
  // Runs the command: creates the client (unless `needs_client` is false) and calls the body.
  int Execute(CliContext& ctx);

 private:
  CLI::App* app_;
  std::map<std::string, std::string> strings_;
  std::map<std::string, int> ints_;
  std::map<std::string, std::vector<std::string>> lists_;
  std::map<std::string, bool> switches_;
  RunFn run_;
};

class Registry {
 public:
  explicit Registry(CLI::App& root) : root_(root) {}
  // Adds subcommand `name` with `help` (first line shown in the list, all of it in --help).
  Command& Add(const std::string& name, const std::string& help);
  // The parsed subcommand, or nullptr.
  Command* Selected();

 private:
  CLI::App& root_;
  std::deque<Command> commands_;
};

// Registration of each group of subcommands.
void AddAccountCommands(Registry& registry);
void AddUserCommands(Registry& registry);
void AddBulkCommands(Registry& registry);

}  // namespace chime::client::cli
