// Access keys against the real SQLite store: management, the root-key bootstrap and the
// per-request resolver (caching, invalidation, last-used throttling).
#include "auth/access_keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "auth/bootstrap.h"
#include "auth/key_resolver.h"
#include "auth/policy.h"
#include "auth/sigv4_canonical.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/test_temp_dir.h"

namespace chime::auth {
namespace {

std::unique_ptr<store::sqlite::SqliteStore> OpenStore(const store::sqlite::TempDir& dir) {
  auto store = store::sqlite::SqliteStore::Open(dir.File("chimed.db"), {});
  if (!store.ok()) {
    ADD_FAILURE() << store.status().message();
    std::abort();
  }
  return std::move(*store);
}

class AccessKeysTest : public ::testing::Test {
 protected:
  void TearDown() override { store_->Close(); }

  std::string ReadFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  store::sqlite::TempDir dir_;
  std::unique_ptr<store::sqlite::SqliteStore> store_ = OpenStore(dir_);
  SecretBox box_ = *SecretBox::Create(std::string(32, 'm'));
  FakeClock clock_;
  AccessKeys keys_{*store_, box_, clock_, CryptoRandom::Get()};
};

TEST_F(AccessKeysTest, CreateStoresOnlyTheSealedSecret) {
  auto k = keys_.Create("ci", Policy::AllowAccountsJson({"acc-a"}));
  ASSERT_TRUE(k.ok()) << k.status().message();
  EXPECT_EQ(k->access_key_id.size(), 20u);
  EXPECT_EQ(k->access_key_id.substr(0, 4), "AKIA");
  EXPECT_EQ(k->secret_access_key.size(), 40u);
  EXPECT_FALSE(k->session_token);
  auto rec = keys_.Get(k->access_key_id);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->encrypted_secret.find(k->secret_access_key), std::string::npos);
  EXPECT_EQ(*box_.Open(rec->encrypted_secret, k->access_key_id), k->secret_access_key);
  EXPECT_TRUE(rec->enabled);
  EXPECT_EQ(rec->created_ms, clock_.NowMs());
  // The database file never holds the clear secret.
  store_->Close();
  EXPECT_EQ(ReadFile(dir_.File("chimed.db")).find(k->secret_access_key), std::string::npos);
}

TEST_F(AccessKeysTest, RefusesBadPoliciesAndNames) {
  EXPECT_EQ(keys_.Create("x", "{").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(keys_.Create("", Policy::AllowAllJson()).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(keys_.Create("a\nb", Policy::AllowAllJson()).status().code(), Code::kInvalidArgument);
  auto list = keys_.List();
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
}

TEST_F(AccessKeysTest, RotateDisableEnableSetPolicyDelete) {
  auto k = keys_.Create("ci", Policy::AllowAllJson());
  ASSERT_TRUE(k.ok());
  auto rotated = keys_.Rotate(k->access_key_id);
  ASSERT_TRUE(rotated.ok());
  EXPECT_EQ(rotated->access_key_id, k->access_key_id);
  EXPECT_NE(rotated->secret_access_key, k->secret_access_key);
  EXPECT_EQ(*box_.Open(keys_.Get(k->access_key_id)->encrypted_secret, k->access_key_id),
            rotated->secret_access_key);
  ASSERT_TRUE(keys_.SetEnabled(k->access_key_id, false).ok());
  EXPECT_FALSE(keys_.Get(k->access_key_id)->enabled);
  ASSERT_TRUE(keys_.SetEnabled(k->access_key_id, true).ok());
  EXPECT_TRUE(keys_.Get(k->access_key_id)->enabled);
  EXPECT_EQ(keys_.SetPolicy(k->access_key_id, "nope").code(), Code::kInvalidArgument);
  ASSERT_TRUE(keys_.SetPolicy(k->access_key_id, Policy::AllowAccountsJson({"b"})).ok());
  EXPECT_EQ(keys_.Get(k->access_key_id)->policy_json, Policy::AllowAccountsJson({"b"}));
  ASSERT_TRUE(keys_.Delete(k->access_key_id).ok());
  EXPECT_EQ(keys_.Get(k->access_key_id).status().code(), Code::kNotFound);
  EXPECT_EQ(keys_.Delete(k->access_key_id).code(), Code::kNotFound);
  EXPECT_EQ(keys_.Rotate("AKIANOSUCHKEY0000000").status().code(), Code::kNotFound);
  EXPECT_EQ(keys_.SetEnabled("AKIANOSUCHKEY0000000", false).code(), Code::kNotFound);
}

TEST_F(AccessKeysTest, SessionTokenKeysStoreOnlyTheTokenHash) {
  auto k = keys_.Create("temp", Policy::AllowAllJson(), /*with_session_token=*/true);
  ASSERT_TRUE(k.ok());
  ASSERT_TRUE(k->session_token);
  auto rec = keys_.Get(k->access_key_id);
  ASSERT_TRUE(rec->session_token_hash);
  EXPECT_EQ(*rec->session_token_hash, Sha256Hex(*k->session_token));
  auto rotated = keys_.Rotate(k->access_key_id);
  ASSERT_TRUE(rotated.ok() && rotated->session_token);
  EXPECT_NE(*rotated->session_token, *k->session_token);
}

TEST_F(AccessKeysTest, BootstrapFromEnvironmentUpserts) {
  RootKeySource src{"AKIDCHIMEDTEST0000001", "env-secret-0123456789", dir_.path()};
  auto r = BootstrapRootKey(keys_, src);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->from_environment);
  EXPECT_FALSE(r->credentials_file);
  EXPECT_FALSE(std::filesystem::exists(dir_.File(kRootCredentialsFile)));
  auto rec = keys_.Get("AKIDCHIMEDTEST0000001");
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(*box_.Open(rec->encrypted_secret, rec->access_key_id), "env-secret-0123456789");
  EXPECT_EQ(rec->policy_json, Policy::AllowAllJson());
  const int64_t created = rec->created_ms;

  // Unchanged environment: nothing rewritten. A new secret replaces the old, keeping created.
  clock_.AdvanceMs(5000);
  ASSERT_TRUE(BootstrapRootKey(keys_, src).ok());
  src.secret_access_key = "another-secret-0123456789";
  ASSERT_TRUE(keys_.SetEnabled("AKIDCHIMEDTEST0000001", false).ok());
  ASSERT_TRUE(BootstrapRootKey(keys_, src).ok());
  rec = keys_.Get("AKIDCHIMEDTEST0000001");
  EXPECT_EQ(*box_.Open(rec->encrypted_secret, rec->access_key_id), "another-secret-0123456789");
  EXPECT_EQ(rec->created_ms, created);
  EXPECT_TRUE(rec->enabled);
  EXPECT_EQ(keys_.List()->size(), 1u);
}

TEST_F(AccessKeysTest, BootstrapRefusesHalfOrMalformedEnvironment) {
  EXPECT_EQ(
      BootstrapRootKey(keys_, {"AKIDCHIMEDTEST0000001", std::nullopt, dir_.path()}).status().code(),
      Code::kInvalidArgument);
  EXPECT_EQ(
      BootstrapRootKey(keys_, {std::nullopt, "secret-0123456789", dir_.path()}).status().code(),
      Code::kInvalidArgument);
  EXPECT_EQ(
      BootstrapRootKey(keys_, {"bad id!", "secret-0123456789abc", dir_.path()}).status().code(),
      Code::kInvalidArgument);
  EXPECT_EQ(
      BootstrapRootKey(keys_, {"AKIDCHIMEDTEST0000001", "short", dir_.path()}).status().code(),
      Code::kInvalidArgument);
  EXPECT_TRUE(keys_.List()->empty());
}

TEST_F(AccessKeysTest, BootstrapGeneratesRootCredentialsOnce) {
  mode_t old = ::umask(0);
  auto r = BootstrapRootKey(keys_, {std::nullopt, std::nullopt, dir_.path()});
  ::umask(old);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_TRUE(r->credentials_file);
  EXPECT_EQ(*r->credentials_file, dir_.File(kRootCredentialsFile));
  struct stat st {};
  ASSERT_EQ(::stat(r->credentials_file->c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string text = ReadFile(*r->credentials_file);
  EXPECT_NE(text.find("[default]\naws_access_key_id = " + r->root_access_key_id +
                      "\naws_secret_access_key = "),
            std::string::npos);
  const size_t at = text.find("aws_secret_access_key = ") + 24;
  const std::string secret = text.substr(at, text.find('\n', at) - at);
  EXPECT_EQ(secret.size(), 40u);
  auto rec = keys_.Get(r->root_access_key_id);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(*box_.Open(rec->encrypted_secret, rec->access_key_id), secret);
  EXPECT_EQ(rec->policy_json, Policy::AllowAllJson());

  // Second start: keys exist, nothing generated, the file is left as it is.
  auto again = BootstrapRootKey(keys_, {std::nullopt, std::nullopt, dir_.path()});
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->credentials_file);
  EXPECT_EQ(ReadFile(*r->credentials_file), text);
  EXPECT_EQ(keys_.List()->size(), 1u);
}

TEST_F(AccessKeysTest, ResolverSeesChangesAtOnce) {
  KeyResolver resolver(*store_, box_, clock_);
  auto k = keys_.Create("ci", Policy::AllowAccountsJson({"a"}));
  ASSERT_TRUE(k.ok());
  auto found = resolver.Find(k->access_key_id);
  ASSERT_TRUE(found.ok() && *found);
  EXPECT_EQ((*found)->material.secret, k->secret_access_key);
  EXPECT_FALSE((*found)->material.session_token_sha256);
  EXPECT_EQ((*found)->policy->Evaluate("chime:GetUser", "a"), Decision::kAllow);
  EXPECT_EQ(resolver.cached_keys(), 1u);

  ASSERT_TRUE(keys_.SetPolicy(k->access_key_id, Policy::AllowAccountsJson({"b"})).ok());
  found = resolver.Find(k->access_key_id);
  EXPECT_EQ((*found)->policy->Evaluate("chime:GetUser", "a"), Decision::kDefaultDeny);

  auto rotated = keys_.Rotate(k->access_key_id);
  found = resolver.Find(k->access_key_id);
  EXPECT_EQ((*found)->material.secret, rotated->secret_access_key);

  ASSERT_TRUE(keys_.SetEnabled(k->access_key_id, false).ok());
  found = resolver.Find(k->access_key_id);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(*found);
  EXPECT_EQ(resolver.cached_keys(), 0u);

  ASSERT_TRUE(keys_.SetEnabled(k->access_key_id, true).ok());
  EXPECT_TRUE(*resolver.Find(k->access_key_id));
  ASSERT_TRUE(keys_.Delete(k->access_key_id).ok());
  EXPECT_FALSE(*resolver.Find(k->access_key_id));
  EXPECT_FALSE(*resolver.Find("AKIANOSUCHKEY0000000"));
  EXPECT_EQ(resolver.cached_keys(), 0u);
}

TEST_F(AccessKeysTest, ResolverRefusesKeysSealedUnderAnotherMasterKey) {
  auto k = keys_.Create("ci", Policy::AllowAllJson());
  SecretBox other = *SecretBox::Create(std::string(32, 'x'));
  KeyResolver resolver(*store_, other, clock_);
  auto found = resolver.Find(k->access_key_id);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(*found);
}

TEST_F(AccessKeysTest, ResolverTreatsACorruptPolicyAsAllowingNothing) {
  auto k = keys_.Create("ci", Policy::AllowAllJson());
  ASSERT_TRUE(store_
                  ->WriteAndWait([&](store::Tx& tx) {
                    auto rec = tx.GetAccessKey(k->access_key_id);
                    rec->policy_json = "{broken";
                    return tx.UpdateAccessKey(*rec);
                  })
                  .ok());
  KeyResolver resolver(*store_, box_, clock_);
  auto found = resolver.Find(k->access_key_id);
  ASSERT_TRUE(found.ok() && *found);
  EXPECT_EQ((*found)->policy->Evaluate("chime:GetUser", "a"), Decision::kDefaultDeny);
}

TEST_F(AccessKeysTest, LastUsedIsWrittenAtMostOncePerInterval) {
  KeyResolver resolver(*store_, box_, clock_, /*last_used_interval_ms=*/60000);
  auto k = keys_.Create("ci", Policy::AllowAllJson());
  const int64_t t0 = clock_.NowMs();
  resolver.NoteUsed(k->access_key_id);
  // Writes are fire-and-forget; a WriteAndWait queued after them commits after them.
  ASSERT_TRUE(store_->WriteAndWait([](store::Tx&) { return OkStatus(); }).ok());
  EXPECT_EQ(keys_.Get(k->access_key_id)->last_used_ms, t0);
  clock_.AdvanceMs(30000);
  resolver.NoteUsed(k->access_key_id);
  ASSERT_TRUE(store_->WriteAndWait([](store::Tx&) { return OkStatus(); }).ok());
  EXPECT_EQ(keys_.Get(k->access_key_id)->last_used_ms, t0);
  clock_.AdvanceMs(30000);
  // A concurrent admin change is kept: the write changes only last_used_ms.
  ASSERT_TRUE(keys_.SetEnabled(k->access_key_id, false).ok());
  resolver.NoteUsed(k->access_key_id);
  ASSERT_TRUE(store_->WriteAndWait([](store::Tx&) { return OkStatus(); }).ok());
  auto rec = keys_.Get(k->access_key_id);
  EXPECT_EQ(rec->last_used_ms, t0 + 60000);
  EXPECT_FALSE(rec->enabled);
}

}  // namespace
}  // namespace chime::auth
