// The Gate chimed serves with: SigV4 authentication against the access keys in the store, then
// authorization of the operation by the key's policy, before anything else is read or written.
//
//   SigV4 failure, unknown or disabled key   -> kUnauthenticated (401 UnauthorizedClientException)
//   policy does not allow op on the account  -> kPermissionDenied (403 ForbiddenException)
//   key store unreadable                     -> kUnavailable (503)
//
// Authorization (see docs/security.md for the operator's view):
//   - an operation whose path names an account (labels[0]) is checked against that account id;
//   - CreateAccount, GetGlobalSettings and UpdateGlobalSettings against the global resource "*";
//   - ListAccounts is admitted when the policy allows chime:ListAccounts somewhere (and no Deny
//     covers it on "*"); the handler then filters the accounts through Caller::MayAccess.
//
// The key is read from the store for every request, except, with `reset_keys_from_cache`, a
// ResetPersonalPIN whose key the resolver holds (KeyResolver::FindCached) and that the cached
// copy authenticates and allows. Such a request carries Caller::key_check, which the reset's own
// statement checks against the key's row (store::AccessKeyCheck), so a key disabled, deleted,
// rotated or re-scoped anywhere still stops working at once, without a read of its own on the
// request's path. Anything the cached copy refuses is decided again on a fresh read: a refusal
// never rests on a stale copy. Nor does an answer about the request's input or rate: a 400 or
// 429 given before the statement runs waits for a fresh read of the key, so a disabled key
// gets its 401 first (api::Api::ConfirmRefusal, and the throttle's check in api.cc). What the
// reset checks is the key as it is when the write runs: a key disabled and enabled again
// before then (or narrowed and widened back) authorizes it. Worth it where a read is a round
// trip to another server (PostgreSQL; bench/RESULTS-postgres.md); the SQLite store reads the
// row in-process.
#pragma once

#include <string_view>

#include "api/api.h"
#include "auth/key_resolver.h"
#include "auth/master_key.h"
#include "auth/policy.h"
#include "auth/sigv4_verifier.h"
#include "server/config.h"

namespace chime::server {

class SecurityGate final : public api::Gate {
 public:
  // `clock` and `keys` must outlive the gate.
  SecurityGate(auth::VerifierOptions options, const Clock& clock, auth::KeyResolver& keys,
               bool reset_keys_from_cache = false);

  StatusOr<api::Caller> Admit(const http::Request& request, api::Op op, const api::Route& route,
                              bool may_use_cache) override;

 private:
  // The Caller when the cached key authenticates and allows the request; nullopt otherwise.
  std::optional<api::Caller> AdmitFromCache(const http::Request& request, api::Op op,
                                            const api::Route& route);

  auth::SigV4Verifier verifier_;
  auth::KeyResolver& keys_;
  const bool reset_keys_from_cache_;
};

// The policy decision for one routed request, as described above. `principal` (the access key
// id) only appears in the message. Pure; thread-safe.
Status AuthorizeOperation(const auth::Policy& policy, api::Op op, const api::Route& route,
                          std::string_view principal);

// Where the master key comes from for this configuration: CHIMED_MASTER_KEY when set in the
// environment, else --master-key-file, else <data-dir>/master.key.
auth::MasterKeySource MasterKeySourceFor(const ServerConfig& config);

}  // namespace chime::server
