// chime::client::Client: a typed C++ client for the Amazon Chime account/user API (chimed or any
// endpoint that speaks it), the C++ counterpart of boto3's chime client.
//
// Example:
//   chime::client::ClientOptions options;
//   options.endpoint_url = "http://127.0.0.1:8080";  // else AWS_ENDPOINT_URL[_CHIME], profile
//   auto client = chime::client::Client::Create(options);  // credentials: the AWS chain
//   if (!client.ok()) return Fail(client.error());
//   auto user = (*client)->ResetPersonalPin({.account_id = account, .user_id = user_id});
//   if (!user.ok() && user.error().kind == chime::client::ErrorKind::kNotFound) ...
//   else if (user.ok()) UsePin(*user->personal_pin);
//
// Every operation signs with SigV4 (the shared chime::auth signer), sends one request, retries
// as retry_policy.h describes and returns the modelled output or a typed Error. Methods are
// thread-safe: one Client may be shared by many threads, which then share its connection pool
// and retry quota. Nothing the client logs (ClientOptions::debug_log) contains a secret, a
// signature, a session token or a PIN.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/sigv4_signer.h"
#include "client/credentials.h"
#include "client/environment.h"
#include "client/requests.h"
#include "client/result.h"
#include "client/retry_policy.h"
#include "client/sleeper.h"
#include "client/transport.h"
#include "client/types.h"
#include "common/clock.h"
#include "common/random.h"

namespace chime::client {

struct ClientOptions {
  // Unset members come from the environment and the shared config files (credentials.h).
  std::optional<std::string> endpoint_url;
  std::optional<std::string> region;
  std::optional<std::string> profile;
  std::optional<auth::Credentials> credentials;
  std::optional<int> max_attempts;
  // Backoff and quota; its max_attempts is replaced by the resolved one.
  RetryOptions retry;
  TransportOptions timeouts;
  // For the default (Beast) transport: TLS peer verification and an extra CA bundle. When
  // unset, AWS_CA_BUNDLE (or the profile's ca_bundle) names the bundle, as in botocore.
  BeastTransportOptions tls;
  std::string user_agent = "chime-cpp-client/0.1";

  // Injected effects; null means the real one (Beast transport, system clock, real sleep,
  // OpenSSL randomness, the process environment). Pointees must outlive the client.
  std::shared_ptr<HttpTransport> transport;
  const Clock* clock = nullptr;
  Sleeper* sleeper = nullptr;
  RandomSource* random = nullptr;
  const Environment* environment = nullptr;
  // Receives one already-redacted line per wire event (request, response, retry decision).
  // Called from the calling thread; must be thread-safe when the client is shared.
  std::function<void(std::string_view)> debug_log;
};

class Client {
 public:
  // Resolves endpoint, region, credentials and max attempts (errors as ResolveSettings).
  static Result<std::unique_ptr<Client>> Create(ClientOptions options);

  // ---- accounts -------------------------------------------------------------------------
  Result<Account> CreateAccount(const CreateAccountRequest& request);
  Result<Account> GetAccount(const GetAccountRequest& request);
  Result<Account> UpdateAccount(const UpdateAccountRequest& request);
  Result<Empty> DeleteAccount(const DeleteAccountRequest& request);
  // One page; see paginators.h for all of them.
  Result<ListAccountsResponse> ListAccounts(const ListAccountsRequest& request);
  Result<AccountSettings> GetAccountSettings(const GetAccountSettingsRequest& request);
  Result<Empty> UpdateAccountSettings(const UpdateAccountSettingsRequest& request);
  Result<Empty> AssociateSigninDelegateGroupsWithAccount(
      const AssociateSigninDelegateGroupsWithAccountRequest& request);
  Result<Empty> DisassociateSigninDelegateGroupsFromAccount(
      const DisassociateSigninDelegateGroupsFromAccountRequest& request);
  Result<RetentionSettingsResponse> GetRetentionSettings(
      const GetRetentionSettingsRequest& request);
  Result<RetentionSettingsResponse> PutRetentionSettings(
      const PutRetentionSettingsRequest& request);

  // ---- users ----------------------------------------------------------------------------
  Result<User> CreateUser(const CreateUserRequest& request);
  Result<std::vector<Invite>> InviteUsers(const InviteUsersRequest& request);
  Result<User> GetUser(const GetUserRequest& request);
  Result<User> UpdateUser(const UpdateUserRequest& request);
  // One page; see paginators.h for all of them.
  Result<ListUsersResponse> ListUsers(const ListUsersRequest& request);
  // Returns the user with the new PersonalPIN.
  Result<User> ResetPersonalPin(const ResetPersonalPinRequest& request);
  Result<Empty> LogoutUser(const LogoutUserRequest& request);
  // The batch operations return the items that failed (empty when all succeeded).
  Result<std::vector<UserError>> BatchUpdateUser(const BatchUpdateUserRequest& request);
  Result<std::vector<UserError>> BatchSuspendUser(const BatchSuspendUserRequest& request);
  Result<std::vector<UserError>> BatchUnsuspendUser(const BatchUnsuspendUserRequest& request);
  Result<UserSettings> GetUserSettings(const GetUserSettingsRequest& request);
  Result<Empty> UpdateUserSettings(const UpdateUserSettingsRequest& request);
  Result<Empty> AssociatePhoneNumberWithUser(const AssociatePhoneNumberWithUserRequest& request);
  Result<Empty> DisassociatePhoneNumberFromUser(
      const DisassociatePhoneNumberFromUserRequest& request);

  // ---- global ---------------------------------------------------------------------------
  Result<GlobalSettings> GetGlobalSettings(const GetGlobalSettingsRequest& request = {});
  Result<Empty> UpdateGlobalSettings(const UpdateGlobalSettingsRequest& request);

  // What Create resolved (credentials included: do not print them).
  const ResolvedSettings& settings() const { return settings_; }
  // The shared retry quota, for tests and diagnostics.
  RetryPolicy& retry_policy() { return retry_; }

  // One HTTP exchange of an operation, before JSON decoding. Public for the operation files and
  // tests; callers normally use the typed methods.
  struct Call {
    std::string_view operation;  // the model's name: "ResetPersonalPIN"
    std::string_view method;
    std::string path;                                        // already percent-encoded
    std::vector<std::pair<std::string, std::string>> query;  // decoded name/value pairs
    std::optional<std::string> json_body;  // sent with Content-Type: application/json
  };
  // Signs, sends and retries `call`; returns the 2xx response or the typed error.
  Result<http::Response> Invoke(const Call& call);

  Client(ClientOptions options, ResolvedSettings settings);

 private:
  http::Request BuildRequest(const Call& call) const;
  Result<http::Response> Attempt(const Call& call, const http::Request& unsigned_request,
                                 int attempt);
  void Debug(const std::string& line) const;
  BeastTransportOptions TlsOptions() const;

  ClientOptions options_;
  ResolvedSettings settings_;
  std::shared_ptr<HttpTransport> transport_;
  const Clock& clock_;
  Sleeper& sleeper_;
  RandomSource& random_;
  RetryPolicy retry_;
};

}  // namespace chime::client
