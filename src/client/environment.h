// The process environment and the user's home directory, injected so that the credential and
// configuration chain is testable with a temporary HOME and a scripted environment.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace chime::client {

class Environment {
 public:
  virtual ~Environment() = default;
  // The variable's value; nullopt when unset. An empty value counts as unset, as in botocore.
  virtual std::optional<std::string> Get(std::string_view name) const = 0;
};

// getenv(3). Thread-safe as long as nobody calls setenv concurrently.
class ProcessEnvironment final : public Environment {
 public:
  std::optional<std::string> Get(std::string_view name) const override;
  static const ProcessEnvironment& Get();
};

// A fixed map, for tests.
class MapEnvironment final : public Environment {
 public:
  MapEnvironment() = default;
  explicit MapEnvironment(std::map<std::string, std::string, std::less<>> vars)
      : vars_(std::move(vars)) {}
  std::optional<std::string> Get(std::string_view name) const override;
  void Set(std::string name, std::string value) { vars_[std::move(name)] = std::move(value); }

 private:
  std::map<std::string, std::string, std::less<>> vars_;
};

// Expands a leading "~/" with $HOME from `env` (botocore's os.path.expanduser).
std::string ExpandHome(const Environment& env, std::string_view path);

}  // namespace chime::client
