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
  SecurityGate(auth::VerifierOptions options, const Clock& clock, auth::KeyResolver& keys);

  StatusOr<api::Caller> Admit(const http::Request& request, api::Op op,
                              const api::Route& route) override;

 private:
  auth::SigV4Verifier verifier_;
  auth::KeyResolver& keys_;
};

// The policy decision for one routed request, as described above. `principal` (the access key
// id) only appears in the message. Pure; thread-safe.
Status AuthorizeOperation(const auth::Policy& policy, api::Op op, const api::Route& route,
                          std::string_view principal);

// Where the master key comes from for this configuration: CHIMED_MASTER_KEY when set in the
// environment, else --master-key-file, else <data-dir>/master.key.
auth::MasterKeySource MasterKeySourceFor(const ServerConfig& config);

}  // namespace chime::server
