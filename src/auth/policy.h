// IAM-style authorization policies attached to access keys.
//
// A policy document is JSON:
//   {"Version": "2012-10-17",              (optional, ignored)
//    "Statement": [
//      {"Sid": "optional label",
//       "Effect": "Allow" | "Deny",
//       "Action": "chime:GetUser" | ["chime:List*", "chime:*", "*"],
//       "Resource": "<chime account id>" | ["acc-*", "*"]}]}
//
// Evaluation follows IAM: explicit Deny wins, then any Allow, otherwise the request is denied
// by default. Action patterns match "chime:<OperationName>" case-insensitively, with '*' (any
// run) and '?' (one character). Resource patterns match the Chime account id case-sensitively,
// with the same wildcards. Operations that name no account (CreateAccount, GetGlobalSettings,
// UpdateGlobalSettings, and ListAccounts as a whole) are evaluated against the global resource,
// which only the pattern "*" covers: a key allowed on "acc-1" alone cannot create accounts.
// Unknown statement members (Condition, NotAction, Principal, ...) are refused when parsing
// rather than ignored, because ignoring a restriction would grant more than the author meant.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace chime::auth {

enum class Effect { kAllow, kDeny };

enum class Decision {
  kAllow,         // an Allow statement matched and no Deny did
  kExplicitDeny,  // a Deny statement matched
  kDefaultDeny,   // nothing matched
};

struct Statement {
  Effect effect = Effect::kAllow;
  std::vector<std::string> actions;    // patterns, e.g. "chime:List*"
  std::vector<std::string> resources;  // patterns, e.g. "*", an account id
};

class Policy {
 public:
  // Parses a policy document. kInvalidArgument naming the offending member when the JSON is
  // malformed or a statement is incomplete or uses an unsupported member. An empty document
  // ("") is the empty policy, which allows nothing.
  static StatusOr<Policy> Parse(std::string_view json);

  // The policy allowing every chime action on every resource (the root key's).
  static std::string AllowAllJson();
  // The policy allowing every chime action on the given accounts only.
  static std::string AllowAccountsJson(const std::vector<std::string>& account_ids);

  // Decides `action` ("chime:ResetPersonalPIN") on `account_id`; nullopt is the global
  // resource. Thread-safe (const).
  Decision Evaluate(std::string_view action, const std::optional<std::string>& account_id) const;

  // Whether some Allow statement matches `action` on any resource at all, and no Deny statement
  // matches it on every resource (pattern "*"). Used to admit a listing whose results are then
  // filtered account by account.
  bool MayAllowSomewhere(std::string_view action) const;

  const std::vector<Statement>& statements() const { return statements_; }

 private:
  std::vector<Statement> statements_;
};

// Glob matching with '*' and '?'; `fold_case` compares ASCII letters case-insensitively.
// Linear in practice (greedy with backtracking to the last '*'), so hostile patterns are cheap.
bool WildcardMatch(std::string_view pattern, std::string_view text, bool fold_case);

// "chime:" + the operation name.
std::string ChimeAction(std::string_view operation_name);

}  // namespace chime::auth
