// CopyStore and VerifyCopy: everything arrives, order is kept, a tampered copy is caught, a
// non-empty destination is refused. SQLite -> SQLite, and SQLite -> PostgreSQL when available.
#include "store/copy/store_copy.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/postgres/pg_store.h"
#include "store/postgres/pg_test_server.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/test_temp_dir.h"

namespace chime::store {
namespace {

model::Account Account(const std::string& id) {
  model::Account a;
  a.account_id = id;
  a.aws_account_id = "123456789012";
  a.name = "Corp " + id;
  a.supported_licenses = {model::LicenseType::kPro};
  a.signin_delegate_groups = {"g\xC3\xBC"};
  return a;
}

model::User User(const std::string& account, const std::string& id, const std::string& pin) {
  model::User u;
  u.user_id = id;
  u.account_id = account;
  u.primary_email = id + "@example.com";
  u.registration_status = model::RegistrationStatus::kRegistered;
  u.registered_ms = 5;
  u.alexa = model::AlexaForBusinessMetadata{true, "arn:x"};
  u.personal_pin = pin;
  return u;
}

// Three accounts, 1,201 users (more than two pages), retired PINs, audits, documents, a key.
void Populate(Store& s) {
  ASSERT_TRUE(s.WriteAndWait([](Tx& tx) {
                 for (std::string a : {"a3", "a1", "a2"})
                   RETURN_IF_ERROR(tx.InsertAccount(Account(a)));
                 for (int i = 0; i < 1201; ++i) {
                   std::string acct = i % 3 == 0 ? "a1" : (i % 3 == 1 ? "a2" : "a3");
                   RETURN_IF_ERROR(tx.InsertUser(User(acct, "u" + std::to_string(1000 + i),
                                                      std::to_string(5000000000LL + i * 7))));
                 }
                 for (int i = 0; i < 700; ++i) {
                   RETURN_IF_ERROR(tx.RetirePin(std::to_string(6000000000LL + i * 3), i));
                   RETURN_IF_ERROR(tx.InsertPinResetAudit(
                       PinResetAudit{"r" + std::to_string(i), "AKIA", "a1", "u1000", i}));
                 }
                 RETURN_IF_ERROR(tx.PutDocument("account-settings", "a1", "{\"x\":1}"));
                 RETURN_IF_ERROR(tx.PutDocument("user-settings", "u1000", "{}"));
                 AccessKeyRecord k;
                 k.access_key_id = "AKIACOPY";
                 k.encrypted_secret = std::string("\x00\xFFsecret", 8);
                 k.policy_json = "{}";
                 return tx.InsertAccessKey(k);
               }).ok());
}

std::unique_ptr<Store> OpenSqlite(const sqlite::TempDir& dir, const std::string& name) {
  auto s = sqlite::SqliteStore::Open(dir.File(name));
  EXPECT_TRUE(s.ok());
  return s.ok() ? std::move(s).value() : nullptr;
}

void CopyVerifyAndTamper(Store& from, Store& to) {
  Populate(from);
  int64_t last_done = -1, total = 0, written = -1;
  ASSERT_TRUE(CopyStore(
                  from, to,
                  [&](const CopyProgress& p) {
                    EXPECT_GE(p.done, last_done);
                    last_done = p.done;
                    total = p.total;
                  },
                  250, &written)
                  .ok());
  EXPECT_EQ(last_done, total);
  EXPECT_EQ(written, total);
  EXPECT_EQ(total, 3 + 1201 + 700 + 700 + 2 + 1);
  int64_t verified = -1, verify_total = 0;
  Status v = VerifyCopy(from, to, [&](const CopyProgress& p) {
    EXPECT_GE(p.done, verified);
    verified = p.done;
    verify_total = p.total;
  });
  EXPECT_TRUE(v.ok()) << v.ToString();
  EXPECT_EQ(verified, total);
  EXPECT_EQ(verify_total, total);

  // Page order of the users of an account is kept.
  auto first = [](Store& s) {
    std::string id;
    EXPECT_TRUE(s.Read([&](Tx& tx) -> Status {
                   UserQuery q;
                   q.account_id = "a2";
                   q.limit = 1;
                   ASSIGN_OR_RETURN(auto page, tx.ListUsers(q));
                   id = page.items.at(0).user_id;
                   return OkStatus();
                 }).ok());
    return id;
  };
  EXPECT_EQ(first(from), first(to));

  // A copy that differs is caught, without naming a PIN.
  ASSERT_TRUE(
      to.WriteAndWait([](Tx& tx) { return tx.PutDocument("account-settings", "a1", "{}"); }).ok());
  Status bad = VerifyCopy(from, to, nullptr);
  EXPECT_EQ(bad.code(), Code::kInternal);
  EXPECT_NE(bad.message().find("document account-settings/a1"), std::string::npos) << bad.message();

  // A record only the source has, and one only the destination has (after the others).
  ASSERT_TRUE(to.WriteAndWait([](Tx& tx) {
                  return tx.PutDocument("account-settings", "a1", "{\"x\":1}");
                }).ok());
  ASSERT_TRUE(
      from.WriteAndWait([](Tx& tx) { return tx.PutDocument("zz", "only-here", "{}"); }).ok());
  bad = VerifyCopy(from, to, nullptr);
  EXPECT_NE(bad.message().find("where the source has document zz/only-here"), std::string::npos)
      << bad.message();
  ASSERT_TRUE(to.WriteAndWait([](Tx& tx) { return tx.PutDocument("zz", "only-here", "{}"); }).ok());
  ASSERT_TRUE(from.WriteAndWait([](Tx& tx) {
                    AccessKeyRecord k;
                    k.access_key_id = "AKIAZZLAST";
                    k.encrypted_secret = "sealed";
                    k.policy_json = "{}";
                    return tx.InsertAccessKey(k);
                  })
                  .ok());
  bad = VerifyCopy(from, to, nullptr);
  EXPECT_NE(bad.message().find("access key AKIAZZLAST is missing from the destination"),
            std::string::npos)
      << bad.message();
  ASSERT_TRUE(to.WriteAndWait([](Tx& tx) { return tx.PutDocument("zz", "extra", "{}"); }).ok());
  bad = VerifyCopy(from, to, nullptr);
  EXPECT_NE(bad.message().find("the destination has document zz/extra where"), std::string::npos)
      << bad.message();

  // Copying again into the now non-empty destination is refused, saying what to do.
  Status again = CopyStore(from, to, nullptr, 500, &written);
  EXPECT_EQ(again.code(), Code::kInvalidArgument);
  EXPECT_EQ(written, 0);
  EXPECT_NE(again.message().find("drop and create the database again"), std::string::npos)
      << again.message();
}

TEST(StoreCopyTest, SqliteToSqlite) {
  sqlite::TempDir dir;
  auto from = OpenSqlite(dir, "from.db");
  auto to = OpenSqlite(dir, "to.db");
  ASSERT_TRUE(from && to);
  CopyVerifyAndTamper(*from, *to);
}

TEST(StoreCopyTest, SqliteToPostgres) {
  const std::string& why = postgres::PgTestServer::Get().unavailable();
  if (!why.empty()) GTEST_SKIP() << "POSTGRES-UNAVAILABLE: " << why;
  sqlite::TempDir dir;
  auto from = OpenSqlite(dir, "from.db");
  auto url = postgres::PgTestServer::Get().NewDatabase();
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  auto to = postgres::PgStore::Open(*url);
  ASSERT_TRUE(from && to.ok());
  CopyVerifyAndTamper(*from, **to);
}

}  // namespace
}  // namespace chime::store
