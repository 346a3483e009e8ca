#include "server/security_gate.h"

#include <cstdlib>

#include "auth/sigv4_auth_params.h"
#include "common/log.h"

namespace chime::server {
namespace {

std::string Refusal(std::string_view principal, const std::string& action,
                    const std::string& resource, auth::Decision decision) {
  std::string m = "User: " + std::string(principal) + " is not authorized to perform: " + action +
                  " on resource: " + resource;
  if (decision == auth::Decision::kExplicitDeny) return m + " with an explicit deny.";
  return m + " because no policy of this access key allows it.";
}

api::Caller CallerFor(const std::string& principal, std::shared_ptr<const auth::Policy> policy) {
  api::Caller caller;
  caller.principal = principal;
  caller.may_access = [policy = std::move(policy)](api::Op op, const std::string& account_id) {
    return policy->Evaluate(auth::ChimeAction(api::OpName(op)), account_id) ==
           auth::Decision::kAllow;
  };
  return caller;
}

}  // namespace

SecurityGate::SecurityGate(auth::VerifierOptions options, const Clock& clock,
                           auth::KeyResolver& keys, bool reset_keys_from_cache)
    : verifier_(std::move(options), clock, /*lookup=*/nullptr),
      keys_(keys),
      reset_keys_from_cache_(reset_keys_from_cache) {}

std::optional<api::Caller> SecurityGate::AdmitFromCache(const http::Request& request, api::Op op,
                                                        const api::Route& route) {
  std::optional<auth::CachedKey> cached;
  auto verified =
      verifier_.Verify(request, [&](std::string_view id) -> std::optional<auth::KeyMaterial> {
        cached = keys_.FindCached(id);
        if (!cached) return std::nullopt;
        return cached->key.material;
      });
  if (!verified.ok() || !cached) return std::nullopt;
  const std::string& principal = verified->access_key_id;
  if (!AuthorizeOperation(*cached->key.policy, op, route, principal).ok()) return std::nullopt;
  keys_.NoteUsed(principal, &cached->check);
  api::Caller caller = CallerFor(principal, cached->key.policy);
  caller.key_check = std::move(cached->check);
  return caller;
}

StatusOr<api::Caller> SecurityGate::Admit(const http::Request& request, api::Op op,
                                          const api::Route& route, bool may_use_cache) {
  if (may_use_cache && reset_keys_from_cache_ && op == api::Op::kResetPersonalPIN) {
    if (auto caller = AdmitFromCache(request, op, route)) return std::move(*caller);
  }
  std::optional<auth::ResolvedKey> found;
  Status lookup_error;
  auto verified =
      verifier_.Verify(request, [&](std::string_view id) -> std::optional<auth::KeyMaterial> {
        auto resolved = keys_.Find(id);
        if (!resolved.ok()) {
          lookup_error = resolved.status();
          return std::nullopt;
        }
        found = std::move(*resolved);
        if (!found) return std::nullopt;
        return found->material;
      });
  if (!lookup_error.ok()) return lookup_error;
  if (!verified.ok()) {
    // The verifier's messages name the failing part only; never the signature or secret.
    LOG_INFO("authentication refused for " << api::OpName(op) << ": "
                                           << verified.status().message());
    return verified.status();
  }
  const std::string& principal = verified->access_key_id;
  keys_.NoteUsed(principal);
  Status allowed = AuthorizeOperation(*found->policy, op, route, principal);
  if (!allowed.ok()) {
    LOG_INFO("authorization refused: " << allowed.message());
    return allowed;
  }
  return CallerFor(principal, found->policy);
}

Status AuthorizeOperation(const auth::Policy& policy, api::Op op, const api::Route& route,
                          std::string_view principal) {
  const std::string action = auth::ChimeAction(api::OpName(op));
  if (op == api::Op::kListAccounts) {
    if (policy.MayAllowSomewhere(action)) return OkStatus();
    auth::Decision d = policy.Evaluate(action, std::nullopt);
    return PermissionDenied(Refusal(
        principal, action, "*", d == auth::Decision::kAllow ? auth::Decision::kExplicitDeny : d));
  }
  std::optional<std::string> account;
  if (!route.labels.empty()) account = route.labels[0];
  auth::Decision d = policy.Evaluate(action, account);
  if (d == auth::Decision::kAllow) return OkStatus();
  return PermissionDenied(
      Refusal(principal, action, account ? "account " + auth::QuoteSafe(*account) : "*", d));
}

auth::MasterKeySource MasterKeySourceFor(const ServerConfig& config) {
  auth::MasterKeySource source;
  if (const char* env = std::getenv("CHIMED_MASTER_KEY"); env != nullptr && *env != '\0') {
    source.env_value = env;
  }
  source.file_path =
      config.master_key_file.empty() ? config.data_dir + "/master.key" : config.master_key_file;
  return source;
}

}  // namespace chime::server
