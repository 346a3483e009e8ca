// The gate's decisions: SigV4 against keys in a real store, then the key's policy.
#include "server/security_gate.h"

#include <gtest/gtest.h>

#include "api/router.h"
#include "auth/access_keys.h"
#include "auth/sigv4_signer.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/test_temp_dir.h"

namespace chime::server {
namespace {

using api::Op;

constexpr char kRootId[] = "AKIDCHIMEDGATETEST01";
constexpr char kRootSecret[] = "gate-root-secret-0123456789abcdefghijklm";

std::unique_ptr<store::sqlite::SqliteStore> OpenStore(const store::sqlite::TempDir& dir) {
  auto store = store::sqlite::SqliteStore::Open(dir.File("chimed.db"), {});
  if (!store.ok()) std::abort();
  return std::move(*store);
}

class SecurityGateTest : public ::testing::Test {
 protected:
  SecurityGateTest() {
    EXPECT_TRUE(keys_.Upsert(kRootId, kRootSecret, "root", auth::Policy::AllowAllJson()).ok());
  }
  ~SecurityGateTest() override { store_->Close(); }

  auth::IssuedKey NewKey(const std::string& policy) {
    auto k = keys_.Create("k", policy);
    EXPECT_TRUE(k.ok()) << k.status().message();
    return *k;
  }

  // A signed request for `method target`, and its route.
  std::pair<http::Request, api::Route> Request(const auth::IssuedKey& key, std::string method,
                                               std::string target, int64_t skew_ms = 0,
                                               std::string region = "us-east-1") {
    http::Request req;
    req.method = std::move(method);
    req.target = std::move(target);
    req.headers = {{"Host", "127.0.0.1:8080"}};
    auth::SigningOptions o;
    o.region = std::move(region);
    o.time_ms = clock_.NowMs() + skew_ms;
    auth::Credentials c{key.access_key_id, key.secret_access_key, key.session_token};
    EXPECT_TRUE(auth::SignRequest(c, o, &req).ok());
    auto route = api::MatchRoute(req.method, req.RawPath(), req.RawQuery());
    EXPECT_TRUE(route.ok()) << req.target;
    return {req, route.ok() ? *route : api::Route{}};
  }

  StatusOr<api::Caller> Admit(const auth::IssuedKey& key, std::string method, std::string target,
                              int64_t skew_ms = 0) {
    auto [req, route] = Request(key, std::move(method), std::move(target), skew_ms);
    return gate_.Admit(req, route.op, route, /*may_use_cache=*/true);
  }

  const auth::IssuedKey root_{kRootId, kRootSecret, std::nullopt};
  store::sqlite::TempDir dir_;
  std::unique_ptr<store::sqlite::SqliteStore> store_ = OpenStore(dir_);
  auth::SecretBox box_ = *auth::SecretBox::Create(std::string(32, 'g'));
  FakeClock clock_;
  auth::AccessKeys keys_{*store_, box_, clock_, CryptoRandom::Get()};
  auth::KeyResolver resolver_{*store_, box_, clock_};
  SecurityGate gate_{auth::VerifierOptions{}, clock_, resolver_};
};

TEST_F(SecurityGateTest, RootKeyIsAdmittedEverywhere) {
  auto caller = Admit(root_, "POST", "/accounts/acc-b/users/u1?operation=reset-personal-pin");
  ASSERT_TRUE(caller.ok()) << caller.status().message();
  EXPECT_EQ(caller->principal, kRootId);
  EXPECT_TRUE(caller->MayAccess(Op::kListAccounts, "anything"));
  EXPECT_TRUE(Admit(root_, "POST", "/accounts").ok());
  EXPECT_TRUE(Admit(root_, "GET", "/accounts").ok());
  EXPECT_TRUE(Admit(root_, "PUT", "/settings").ok());
}

TEST_F(SecurityGateTest, AuthenticationFailuresAre401WithSpecificMessages) {
  auth::IssuedKey wrong = root_;
  wrong.secret_access_key[0] ^= 1;
  auto r = Admit(wrong, "GET", "/accounts/a");
  ASSERT_EQ(r.status().code(), Code::kUnauthenticated);
  EXPECT_NE(r.status().message().find("signature we calculated does not match"), std::string::npos);
  auth::IssuedKey unknown{"AKIANOSUCHKEY0000000", kRootSecret, std::nullopt};
  auto u = Admit(unknown, "GET", "/accounts/a");
  EXPECT_EQ(u.status(), r.status());  // unknown key: the same answer as a wrong secret

  auto late = Admit(root_, "GET", "/accounts/a", -301000);
  ASSERT_EQ(late.status().code(), Code::kUnauthenticated);
  EXPECT_NE(late.status().message().find("Signature expired"), std::string::npos);
  auto early = Admit(root_, "GET", "/accounts/a", 301000);
  ASSERT_EQ(early.status().code(), Code::kUnauthenticated);
  EXPECT_NE(early.status().message().find("not yet current"), std::string::npos);
  EXPECT_TRUE(Admit(root_, "GET", "/accounts/a", 299000).ok());

  http::Request unsigned_req;
  unsigned_req.method = "GET";
  unsigned_req.target = "/accounts/a";
  unsigned_req.headers = {{"Host", "h"}};
  auto route = api::MatchRoute("GET", "/accounts/a", "");
  EXPECT_EQ(gate_.Admit(unsigned_req, route->op, *route, /*may_use_cache=*/true).status().code(),
            Code::kUnauthenticated);
}

TEST_F(SecurityGateTest, DisabledDeletedAndRotatedKeysStopWorkingAtOnce) {
  auth::IssuedKey k = NewKey(auth::Policy::AllowAllJson());
  ASSERT_TRUE(Admit(k, "GET", "/accounts/a").ok());
  ASSERT_TRUE(keys_.SetEnabled(k.access_key_id, false).ok());
  EXPECT_EQ(Admit(k, "GET", "/accounts/a").status().code(), Code::kUnauthenticated);
  ASSERT_TRUE(keys_.SetEnabled(k.access_key_id, true).ok());
  ASSERT_TRUE(Admit(k, "GET", "/accounts/a").ok());
  auto rotated = keys_.Rotate(k.access_key_id);
  EXPECT_EQ(Admit(k, "GET", "/accounts/a").status().code(), Code::kUnauthenticated);
  EXPECT_TRUE(Admit(*rotated, "GET", "/accounts/a").ok());
  ASSERT_TRUE(keys_.Delete(k.access_key_id).ok());
  EXPECT_EQ(Admit(*rotated, "GET", "/accounts/a").status().code(), Code::kUnauthenticated);
}

// With reset_keys_from_cache, a ResetPersonalPIN whose key the resolver holds is admitted from
// that copy and carries the row it came from, for the reset's write to check; every other
// operation, and every refusal, is decided on a fresh read.
TEST_F(SecurityGateTest, ResetsAreAdmittedFromTheCachedKeyWithItsRowToCheck) {
  SecurityGate cached(auth::VerifierOptions{}, clock_, resolver_, /*reset_keys_from_cache=*/true);
  auto admit = [&](const auth::IssuedKey& key, const std::string& method, const std::string& target,
                   bool may_use_cache = true) {
    auto [req, route] = Request(key, method, target);
    return cached.Admit(req, route.op, route, may_use_cache);
  };
  const std::string reset = "/accounts/acc-a/users/u1?operation=reset-personal-pin";
  auth::IssuedKey k = NewKey(auth::Policy::AllowAccountsJson({"acc-a"}));
  auto first = admit(k, "POST", reset);  // nothing cached yet: a fresh read
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->key_check.has_value());
  auto second = admit(k, "POST", reset);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_TRUE(second->key_check.has_value());
  auto row = keys_.Get(k.access_key_id);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(second->key_check->access_key_id, k.access_key_id);
  EXPECT_EQ(second->key_check->encrypted_secret, row->encrypted_secret);
  EXPECT_EQ(second->key_check->policy_json, row->policy_json);
  EXPECT_EQ(second->key_check->session_token_hash, row->session_token_hash);
  EXPECT_TRUE(store_
                  ->WriteAndWait(
                      [&](store::Tx& tx) { return store::CheckAccessKey(tx, *second->key_check); })
                  .ok());
  EXPECT_TRUE(second->MayAccess(Op::kResetPersonalPIN, "acc-a"));
  EXPECT_FALSE(second->MayAccess(Op::kResetPersonalPIN, "acc-b"));
  // Other operations, and a reset admitted without the cache, read the key.
  EXPECT_FALSE(admit(k, "GET", "/accounts/acc-a")->key_check.has_value());
  EXPECT_FALSE(admit(k, "POST", reset, /*may_use_cache=*/false)->key_check.has_value());
  // Refusals are never taken from the copy: a secret the copy does not know (the key was rotated
  // elsewhere), or an account the cached policy does not allow but the key's new policy does.
  auto rotated = keys_.Rotate(k.access_key_id);
  ASSERT_TRUE(rotated.ok());
  auto with_new_secret = admit(*rotated, "POST", reset);
  ASSERT_TRUE(with_new_secret.ok()) << with_new_secret.status().ToString();
  EXPECT_FALSE(with_new_secret->key_check.has_value());  // a fresh read admitted it
  k = *rotated;
  ASSERT_TRUE(keys_.SetPolicy(k.access_key_id, auth::Policy::AllowAllJson()).ok());
  auto widened = admit(k, "POST", "/accounts/acc-b/users/u1?operation=reset-personal-pin");
  ASSERT_TRUE(widened.ok()) << widened.status().ToString();
  EXPECT_FALSE(widened->key_check.has_value());  // a fresh read admitted it

  // Disabled elsewhere: the copy still admits, and the write's check is what refuses; the
  // request's second admission, without the cache, is a 401 and drops the copy.
  ASSERT_TRUE(admit(k, "POST", reset).ok());  // caches the current row
  ASSERT_TRUE(keys_.SetEnabled(k.access_key_id, false).ok());
  auto stale = admit(k, "POST", reset);
  ASSERT_TRUE(stale.ok()) << stale.status().ToString();
  ASSERT_TRUE(stale->key_check.has_value());
  EXPECT_EQ(store_
                ->WriteAndWait(
                    [&](store::Tx& tx) { return store::CheckAccessKey(tx, *stale->key_check); })
                .code(),
            Code::kKeyChanged);
  EXPECT_EQ(admit(k, "POST", reset, /*may_use_cache=*/false).status().code(),
            Code::kUnauthenticated);
  EXPECT_EQ(admit(k, "POST", reset).status().code(), Code::kUnauthenticated);
}

// A request admitted from a copy that outlived its key does not mark the key used.
TEST_F(SecurityGateTest, AStaleCopyNeverRecordsAUse) {
  SecurityGate cached(auth::VerifierOptions{}, clock_, resolver_, /*reset_keys_from_cache=*/true);
  auth::IssuedKey k = NewKey(auth::Policy::AllowAllJson());
  auto [req, route] = Request(k, "POST", "/accounts/a/users/u1?operation=reset-personal-pin");
  ASSERT_TRUE(cached.Admit(req, route.op, route, true).ok());  // reads the key, records a use
  auto drain = [&] {
    ASSERT_TRUE(store_->WriteAndWait([](store::Tx&) { return OkStatus(); }).ok());
  };
  drain();
  const auto first_use = keys_.Get(k.access_key_id)->last_used_ms;
  ASSERT_TRUE(first_use.has_value());
  ASSERT_TRUE(keys_.SetEnabled(k.access_key_id, false).ok());
  clock_.AdvanceMs(120000);  // past the interval: a use would be written now
  auto [late, late_route] = Request(k, "POST", "/accounts/a/users/u1?operation=reset-personal-pin");
  auto stale = cached.Admit(late, late_route.op, late_route, true);
  ASSERT_TRUE(stale.ok() && stale->key_check.has_value());  // the copy admits; its write refuses
  drain();
  EXPECT_EQ(keys_.Get(k.access_key_id)->last_used_ms, first_use);
  // Enabled again, the same copy is current, and its use is recorded.
  ASSERT_TRUE(keys_.SetEnabled(k.access_key_id, true).ok());
  clock_.AdvanceMs(120000);
  auto [again, again_route] =
      Request(k, "POST", "/accounts/a/users/u1?operation=reset-personal-pin");
  ASSERT_TRUE(cached.Admit(again, again_route.op, again_route, true).ok());
  drain();
  EXPECT_EQ(keys_.Get(k.access_key_id)->last_used_ms, clock_.NowMs());
}

// Without reset_keys_from_cache (the SQLite store), every request reads its key.
TEST_F(SecurityGateTest, WithoutTheOptionNoRequestIsAdmittedFromTheCache) {
  ASSERT_TRUE(Admit(root_, "POST", "/accounts/acc-a/users/u1?operation=reset-personal-pin").ok());
  auto again = Admit(root_, "POST", "/accounts/acc-a/users/u1?operation=reset-personal-pin");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->key_check.has_value());
}

TEST_F(SecurityGateTest, SessionTokenKeysNeedTheirToken) {
  auto k = keys_.Create("temp", auth::Policy::AllowAllJson(), /*with_session_token=*/true);
  ASSERT_TRUE(k.ok());
  EXPECT_TRUE(Admit(*k, "GET", "/accounts/a").ok());
  auth::IssuedKey no_token = *k;
  no_token.session_token.reset();
  EXPECT_EQ(Admit(no_token, "GET", "/accounts/a").status().code(), Code::kUnauthenticated);
  auth::IssuedKey wrong_token = *k;
  wrong_token.session_token->back() ^= 1;
  EXPECT_EQ(Admit(wrong_token, "GET", "/accounts/a").status().code(), Code::kUnauthenticated);
}

TEST_F(SecurityGateTest, RegionsAreConfigurable) {
  auto [req, route] = Request(root_, "GET", "/accounts/a", 0, "eu-west-1");
  auto refused = gate_.Admit(req, route.op, route, /*may_use_cache=*/true);
  ASSERT_EQ(refused.status().code(), Code::kUnauthenticated);
  EXPECT_NE(refused.status().message().find("eu-west-1"), std::string::npos);
  auth::VerifierOptions both;
  both.regions = {"us-east-1", "eu-west-1"};
  SecurityGate gate(both, clock_, resolver_);
  EXPECT_TRUE(gate.Admit(req, route.op, route, /*may_use_cache=*/true).ok());
}

TEST_F(SecurityGateTest, AccountScopedKeyIsForbiddenElsewhere) {
  auth::IssuedKey a = NewKey(auth::Policy::AllowAccountsJson({"acc-a"}));
  EXPECT_TRUE(Admit(a, "GET", "/accounts/acc-a/users/u1").ok());
  EXPECT_TRUE(Admit(a, "POST", "/accounts/acc-a/users/u1?operation=reset-personal-pin").ok());
  for (auto [method, target] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/accounts/acc-b"},
           {"GET", "/accounts/acc-b/users/u1"},
           {"POST", "/accounts/acc-b/users/u1?operation=reset-personal-pin"},
           {"POST", "/accounts/acc-b/users?operation=suspend"},
           {"DELETE", "/accounts/acc-b"},
           {"GET", "/console/accounts/acc-b/users"},
           {"POST", "/accounts"},
           {"GET", "/settings"},
           {"PUT", "/settings"}}) {
    auto r = Admit(a, method, target);
    ASSERT_EQ(r.status().code(), Code::kPermissionDenied) << method << " " << target;
    EXPECT_NE(r.status().message().find(a.access_key_id), std::string::npos);
    EXPECT_NE(r.status().message().find("is not authorized to perform: chime:"), std::string::npos);
  }
  // ListAccounts is admitted and filtered.
  auto list = Admit(a, "GET", "/accounts");
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->MayAccess(Op::kListAccounts, "acc-a"));
  EXPECT_FALSE(list->MayAccess(Op::kListAccounts, "acc-b"));
}

TEST_F(SecurityGateTest, GetUserOnlyKeyCannotResetAPin) {
  auth::IssuedKey k =
      NewKey(R"({"Statement":[{"Effect":"Allow","Action":"chime:GetUser","Resource":"*"}]})");
  EXPECT_TRUE(Admit(k, "GET", "/accounts/acc-a/users/u1").ok());
  auto r = Admit(k, "POST", "/accounts/acc-a/users/u1?operation=reset-personal-pin");
  ASSERT_EQ(r.status().code(), Code::kPermissionDenied);
  EXPECT_NE(r.status().message().find("chime:ResetPersonalPIN"), std::string::npos);
  EXPECT_EQ(Admit(k, "GET", "/accounts").status().code(), Code::kPermissionDenied);
}

TEST_F(SecurityGateTest, DenyOverridesAllow) {
  auth::IssuedKey k = NewKey(R"({"Statement":[
      {"Effect":"Allow","Action":"chime:*","Resource":"*"},
      {"Effect":"Deny","Action":"chime:ResetPersonalPIN","Resource":"*"}]})");
  EXPECT_TRUE(Admit(k, "GET", "/accounts/acc-a/users/u1").ok());
  auto r = Admit(k, "POST", "/accounts/acc-a/users/u1?operation=reset-personal-pin");
  ASSERT_EQ(r.status().code(), Code::kPermissionDenied);
  EXPECT_NE(r.status().message().find("explicit deny"), std::string::npos);
}

TEST_F(SecurityGateTest, PolicyChangesApplyToTheNextRequest) {
  auth::IssuedKey k = NewKey(auth::Policy::AllowAccountsJson({"acc-a"}));
  EXPECT_EQ(Admit(k, "GET", "/accounts/acc-b").status().code(), Code::kPermissionDenied);
  ASSERT_TRUE(keys_.SetPolicy(k.access_key_id, auth::Policy::AllowAccountsJson({"acc-b"})).ok());
  EXPECT_TRUE(Admit(k, "GET", "/accounts/acc-b").ok());
  EXPECT_EQ(Admit(k, "GET", "/accounts/acc-a").status().code(), Code::kPermissionDenied);
}

TEST(AuthorizeOperationTest, EveryOperationWithAnAccountUsesIt) {
  auto scoped = auth::Policy::Parse(auth::Policy::AllowAccountsJson({"A"}));
  ASSERT_TRUE(scoped.ok());
  for (int i = 0; i < static_cast<int>(Op::kCount); ++i) {
    const Op op = static_cast<Op>(i);
    api::Route in_a{op, {"A", "u"}, {}};
    api::Route in_b{op, {"B", "u"}, {}};
    api::Route global{op, {}, {}};
    if (op == Op::kListAccounts) {
      EXPECT_TRUE(AuthorizeOperation(*scoped, op, global, "K").ok());
      continue;
    }
    EXPECT_TRUE(AuthorizeOperation(*scoped, op, in_a, "K").ok()) << api::OpName(op);
    EXPECT_EQ(AuthorizeOperation(*scoped, op, in_b, "K").code(), Code::kPermissionDenied)
        << api::OpName(op);
    EXPECT_EQ(AuthorizeOperation(*scoped, op, global, "K").code(), Code::kPermissionDenied)
        << api::OpName(op);
  }
}

TEST(AuthorizeOperationTest, RefusalMessagesAreSanitised) {
  auth::Policy none;
  api::Route route{Op::kGetAccount, {"evil\r\nInjected: yes"}, {}};
  Status s = AuthorizeOperation(none, Op::kGetAccount, route, "K");
  EXPECT_EQ(s.message().find('\n'), std::string::npos);
  EXPECT_EQ(s.message().find('\r'), std::string::npos);
}

}  // namespace
}  // namespace chime::server
