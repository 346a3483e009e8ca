// The Store contract (store.h), as tests every implementation must pass. The suite is
// parameterized over a factory. This file builds twice: store_contract_test runs it on SQLite,
// store_contract_postgres_test (CHIME_STORE_CONTRACT_POSTGRES) on a private PostgreSQL server,
// skipped with a visible reason where PostgreSQL is not installed.
#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/testing/scripted_random.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/test_temp_dir.h"
#include "store/store.h"
#ifdef CHIME_STORE_CONTRACT_POSTGRES
#include "store/postgres/pg_store.h"
#include "store/postgres/pg_test_server.h"
#endif

namespace chime::store {
namespace {

using model::Account;
using model::User;

struct StoreFactory {
  std::string name;
  std::function<std::unique_ptr<Store>()> make;
  // Non-empty when the store cannot run here (e.g. no PostgreSQL server): the test is skipped
  // with this reason.
  std::function<std::string()> unavailable = [] { return std::string(); };
};

// Keeps test names readable in ctest (gtest would otherwise dump the object's bytes).
void PrintTo(const StoreFactory& factory, std::ostream* os) { *os << factory.name; }

// ---------------------------------------------------------------------------------------------
// Sample data.

Account MakeAccount(const std::string& id, const std::string& name = "Example Corp") {
  Account a;
  a.account_id = id;
  a.aws_account_id = "123456789012";
  a.name = name;
  a.account_type = model::AccountType::kEnterpriseOIDC;
  a.created_ms = 1'545'331'525'231;
  a.default_license = model::LicenseType::kPlus;
  a.supported_licenses = {model::LicenseType::kBasic, model::LicenseType::kProTrial};
  a.status = model::AccountStatus::kSuspended;
  a.signin_delegate_groups = {"admins", "a \"quoted\", comma group", "gr\xC3\xBCppe"};
  return a;
}

// A user with every optional field present.
User MakeUser(const std::string& account_id, const std::string& id, const std::string& email,
              const std::string& pin = "") {
  User u;
  u.user_id = id;
  u.account_id = account_id;
  u.primary_email = email;
  u.primary_provisioned_number = "+12065550100";
  u.display_name = "Jane Doe";
  u.license_type = model::LicenseType::kBasic;
  u.user_type = model::UserType::kSharedDevice;
  u.registration_status = model::RegistrationStatus::kRegistered;
  u.invitation_status = model::InvitationStatus::kAccepted;
  u.registered_ms = 1'545'331'525'231;
  u.invited_ms = 1'545'000'000'000;
  u.alexa = model::AlexaForBusinessMetadata{true, "arn:aws:a4b:us-east-1:123456789012:room/x"};
  u.personal_pin = pin;
  return u;
}

// A user with every optional field absent.
User MakeBareUser(const std::string& account_id, const std::string& id, const std::string& email) {
  User u;
  u.user_id = id;
  u.account_id = account_id;
  u.primary_email = email;
  return u;
}

void ExpectAccountEq(const Account& want, const Account& got) {
  EXPECT_EQ(want.account_id, got.account_id);
  EXPECT_EQ(want.aws_account_id, got.aws_account_id);
  EXPECT_EQ(want.name, got.name);
  EXPECT_EQ(want.account_type, got.account_type);
  EXPECT_EQ(want.created_ms, got.created_ms);
  EXPECT_EQ(want.default_license, got.default_license);
  EXPECT_EQ(want.supported_licenses, got.supported_licenses);
  EXPECT_EQ(want.status, got.status);
  EXPECT_EQ(want.signin_delegate_groups, got.signin_delegate_groups);
}

void ExpectUserEq(const User& want, const User& got) {
  EXPECT_EQ(want.user_id, got.user_id);
  EXPECT_EQ(want.account_id, got.account_id);
  EXPECT_EQ(want.primary_email, got.primary_email);
  EXPECT_EQ(want.primary_provisioned_number, got.primary_provisioned_number);
  EXPECT_EQ(want.display_name, got.display_name);
  EXPECT_EQ(want.license_type, got.license_type);
  EXPECT_EQ(want.user_type, got.user_type);
  EXPECT_EQ(want.registration_status, got.registration_status);
  EXPECT_EQ(want.invitation_status, got.invitation_status);
  EXPECT_EQ(want.registered_ms, got.registered_ms);
  EXPECT_EQ(want.invited_ms, got.invited_ms);
  ASSERT_EQ(want.alexa.has_value(), got.alexa.has_value());
  if (want.alexa.has_value()) {
    EXPECT_EQ(want.alexa->enabled, got.alexa->enabled);
    EXPECT_EQ(want.alexa->room_arn, got.alexa->room_arn);
  }
  EXPECT_EQ(want.personal_pin, got.personal_pin);
}

// Query builders (designated initializers would trip -Wmissing-field-initializers).
UserQuery UsersOf(const std::string& account_id, int limit = 100, int64_t after_seq = 0) {
  UserQuery q;
  q.account_id = account_id;
  q.limit = limit;
  q.after_seq = after_seq;
  return q;
}

AccountQuery AccountsNamed(std::optional<std::string> name_prefix,
                           std::optional<std::string> user_email = std::nullopt) {
  AccountQuery q;
  q.name_prefix = std::move(name_prefix);
  q.user_email = std::move(user_email);
  return q;
}

// ---------------------------------------------------------------------------------------------
// The fixture.

class StoreContractTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    if (std::string why = GetParam().unavailable(); !why.empty()) GTEST_SKIP() << why;
    store_ = GetParam().make();
    ASSERT_NE(store_, nullptr) << "could not open the store (see the lines above)";
  }
  void TearDown() override {
    if (store_ != nullptr) store_->Close();
  }

  Status Write(const TxFn& fn) { return store_->WriteAndWait(fn); }

  // Runs f (Tx& -> StatusOr<T>) in a read transaction and returns its result.
  template <typename F>
  auto Get(F f) -> decltype(f(std::declval<Tx&>())) {
    using R = decltype(f(std::declval<Tx&>()));
    std::optional<R> out;
    Status s = store_->Read([&](Tx& tx) {
      out.emplace(f(tx));
      return OkStatus();
    });
    if (!s.ok()) return R(s);
    return std::move(*out);
  }

  Status AddAccount(const Account& a) {
    return Write([&](Tx& tx) { return tx.InsertAccount(a); });
  }
  Status AddUser(const User& u) {
    return Write([&](Tx& tx) { return tx.InsertUser(u); });
  }
  StatusOr<User> GetUser(const std::string& account_id, const std::string& user_id) {
    return Get([&](Tx& tx) { return tx.GetUser(account_id, user_id); });
  }
  StatusOr<bool> PinTaken(const std::string& pin) {
    return Get([&](Tx& tx) { return tx.PinTaken(pin); });
  }
  StatusOr<Page<User>> ListUsers(const UserQuery& q) {
    return Get([&](Tx& tx) { return tx.ListUsers(q); });
  }
  StatusOr<Page<Account>> ListAccounts(const AccountQuery& q) {
    return Get([&](Tx& tx) { return tx.ListAccounts(q); });
  }
  // Every account id ListAccounts returns for `q`, following next_seq with pages of `limit`.
  std::vector<std::string> AllAccountIds(AccountQuery q, int limit = 2) {
    q.limit = limit;
    std::vector<std::string> ids;
    for (;;) {
      auto page = ListAccounts(q);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) return ids;
      for (const auto& a : page->items) ids.push_back(a.account_id);
      if (!page->next_seq) return ids;
      q.after_seq = *page->next_seq;
    }
  }

  std::unique_ptr<Store> store_;
};

// ---------------------------------------------------------------------------------------------
// Accounts.

TEST_P(StoreContractTest, AccountRoundTripsEveryField) {
  Account a = MakeAccount("acc-1");
  ASSERT_TRUE(AddAccount(a).ok());
  auto got = Get([](Tx& tx) { return tx.GetAccount("acc-1"); });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ExpectAccountEq(a, *got);
}

TEST_P(StoreContractTest, AccountWithEmptyListsRoundTrips) {
  Account a;
  a.account_id = "acc-1";
  a.aws_account_id = "000000000000";
  a.name = "n";
  ASSERT_TRUE(AddAccount(a).ok());
  auto got = Get([](Tx& tx) { return tx.GetAccount("acc-1"); });
  ASSERT_TRUE(got.ok());
  ExpectAccountEq(a, *got);
}

TEST_P(StoreContractTest, MissingAccountIsNotFound) {
  auto got = Get([](Tx& tx) { return tx.GetAccount("nope"); });
  EXPECT_EQ(got.status().code(), Code::kNotFound);
  Status update = Write([](Tx& tx) { return tx.UpdateAccount(MakeAccount("nope")); });
  EXPECT_EQ(update.code(), Code::kNotFound);
  Status del = Write([](Tx& tx) { return tx.DeleteAccount("nope", 1); });
  EXPECT_EQ(del.code(), Code::kNotFound);
}

TEST_P(StoreContractTest, DuplicateAccountIdConflicts) {
  ASSERT_TRUE(AddAccount(MakeAccount("acc-1")).ok());
  EXPECT_EQ(AddAccount(MakeAccount("acc-1", "Other")).code(), Code::kConflict);
}

TEST_P(StoreContractTest, UpdateAccountReplacesEveryField) {
  ASSERT_TRUE(AddAccount(MakeAccount("acc-1")).ok());
  Account b;
  b.account_id = "acc-1";
  b.aws_account_id = "210987654321";
  b.name = "Renamed";
  b.account_type = model::AccountType::kTeam;
  b.created_ms = 7;
  b.default_license = model::LicenseType::kPro;
  b.supported_licenses = {model::LicenseType::kPro};
  b.status = model::AccountStatus::kActive;
  ASSERT_TRUE(Write([&](Tx& tx) { return tx.UpdateAccount(b); }).ok());
  auto got = Get([](Tx& tx) { return tx.GetAccount("acc-1"); });
  ASSERT_TRUE(got.ok());
  ExpectAccountEq(b, *got);
}

// ---------------------------------------------------------------------------------------------
// Users.

TEST_P(StoreContractTest, UserRoundTripsEveryField) {
  ASSERT_TRUE(AddAccount(MakeAccount("acc-1")).ok());
  User full = MakeUser("acc-1", "u-full", "Jane@Example.com", "0123456788");
  User bare = MakeBareUser("acc-1", "u-bare", "bare@example.com");
  User alexa_off = MakeBareUser("acc-1", "u-alexa", "alexa@example.com");
  alexa_off.alexa = model::AlexaForBusinessMetadata{false, ""};
  for (const User* u : {&full, &bare, &alexa_off}) {
    ASSERT_TRUE(AddUser(*u).ok()) << u->user_id;
    auto got = GetUser("acc-1", u->user_id);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ExpectUserEq(*u, *got);
  }
}

TEST_P(StoreContractTest, UserOfAnotherAccountIsNotFound) {
  ASSERT_TRUE(AddAccount(MakeAccount("acc-1")).ok());
  ASSERT_TRUE(AddAccount(MakeAccount("acc-2")).ok());
  ASSERT_TRUE(AddUser(MakeUser("acc-1", "u-1", "a@example.com")).ok());
  auto got = GetUser("acc-2", "u-1");
  EXPECT_EQ(got.status().code(), Code::kNotFound);
  EXPECT_EQ(GetUser("acc-1", "missing").status().code(), Code::kNotFound);
  Status update = Write([](Tx& tx) { return tx.UpdateUser(MakeUser("acc-2", "u-1", "x@y.z")); });
  EXPECT_EQ(update.code(), Code::kNotFound);
  // The failed update changed nothing.
  EXPECT_EQ(GetUser("acc-1", "u-1")->primary_email, "a@example.com");
}

TEST_P(StoreContractTest, InsertUserIntoMissingAccountIsNotFound) {
  EXPECT_EQ(AddUser(MakeUser("nope", "u-1", "a@example.com")).code(), Code::kNotFound);
}

TEST_P(StoreContractTest, DuplicateUserIdConflicts) {
  ASSERT_TRUE(AddAccount(MakeAccount("acc-1")).ok());
  ASSERT_TRUE(AddUser(MakeUser("acc-1", "u-1", "a@example.com")).ok());
  EXPECT_EQ(AddUser(MakeUser("acc-1", "u-1", "b@example.com")).code(), Code::kConflict);
}

TEST_P(StoreContractTest, DuplicateEmailInAccountConflictsCaseInsensitively) {
  ASSERT_TRUE(AddAccount(MakeAccount("acc-1")).ok());
  ASSERT_TRUE(AddAccount(MakeAccount("acc-2")).ok());
  ASSERT_TRUE(AddUser(MakeUser("acc-1", "u-1", "Jane@Example.com")).ok());
  Status dup = AddUser(MakeUser("acc-1", "u-2", "jANE@example.COM"));
  EXPECT_EQ(dup.code(), Code::kConflict);
  EXPECT_EQ(dup.message(), "A user with this email address already exists in the account.");
  // The same address in another account is a different user.
  EXPECT_TRUE(AddUser(MakeUser("acc-2", "u-3", "jane@example.com")).ok());
  // Changing one's own email's case is fine; taking another user's is not.
  ASSERT_TRUE(AddUser(MakeUser("acc-1", "u-4", "other@example.com")).ok());
  EXPECT_TRUE(Write([](Tx& tx) {
                return tx.UpdateUser(MakeUser("acc-1", "u-1", "JANE@EXAMPLE.COM"));
              }).ok());
  EXPECT_EQ(Write([](Tx& tx) {
              return tx.UpdateUser(MakeUser("acc-1", "u-4", "jane@example.com"));
            }).code(),
            Code::kConflict);
}

TEST_P(StoreContractTest, UsersWithoutEmailDoNotCollide) {
  ASSERT_TRUE(AddAccount(MakeAccount("acc-1")).ok());
  EXPECT_TRUE(AddUser(MakeBareUser("acc-1", "u-1", "")).ok());
  EXPECT_TRUE(AddUser(MakeBareUser("acc-1", "u-2", "")).ok());
  EXPECT_EQ(GetUser("acc-1", "u-2")->primary_email, "");
}

TEST_P(StoreContractTest, FindUserByEmailIsCaseInsensitiveAndScopedToAccount) {
  ASSERT_TRUE(AddAccount(MakeAccount("acc-1")).ok());
  ASSERT_TRUE(AddAccount(MakeAccount("acc-2")).ok());
  ASSERT_TRUE(AddUser(MakeUser("acc-1", "u-1", "Jane@Example.com")).ok());
  auto found = Get([](Tx& tx) { return tx.FindUserByEmail("acc-1", "jane@EXAMPLE.com"); });
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->user_id, "u-1");
  auto other = Get([](Tx& tx) { return tx.FindUserByEmail("acc-2", "jane@example.com"); });
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->has_value());
  // Exact match, not a pattern.
  auto pattern = Get([](Tx& tx) { return tx.FindUserByEmail("acc-1", "%"); });
  ASSERT_TRUE(pattern.ok());
  EXPECT_FALSE(pattern->has_value());
}

// ---------------------------------------------------------------------------------------------
// PINs.

TEST_P(StoreContractTest, DuplicatePinConflictsWithoutNamingIt) {
  ASSERT_TRUE(AddAccount(MakeAccount("acc-1")).ok());
  ASSERT_TRUE(AddAccount(MakeAccount("acc-2")).ok());
  ASSERT_TRUE(AddUser(MakeUser("acc-1", "u-1", "a@example.com", "5550001111")).ok());
  // Unique across the deployment, not just the account.
  Status dup = AddUser(MakeUser("acc-2", "u-2", "b@example.com", "5550001111"));
  EXPECT_EQ(dup.code(), Code::kConflict);
  EXPECT_EQ(dup.message().find("5550001111"), std::string::npos);
  ASSERT_TRUE(AddUser(MakeUser("acc-2", "u-3", "c@example.com", "5550002222")).ok());
  Status update = Write([](Tx& tx) {
    return tx.UpdateUser(MakeUser("acc-2", "u-3", "c@example.com", "5550001111"));
  });
  EXPECT_EQ(update.code(), Code::kConflict);
  EXPECT_EQ(GetUser("acc-2", "u-3")->personal_pin, "5550002222");
}

TEST_P(StoreContractTest, PinTakenSeesCurrentAndRetiredPins) {
  ASSERT_TRUE(AddAccount(MakeAccount("acc-1")).ok());
  ASSERT_TRUE(AddUser(MakeUser("acc-1", "u-1", "a@example.com", "1111122222")).ok());
  ASSERT_TRUE(Write([](Tx& tx) { return tx.RetirePin("3333344444", 5); }).ok());
  // Retiring twice, and retiring nothing, are fine.
  ASSERT_TRUE(Write([](Tx& tx) { return tx.RetirePin("3333344444", 6); }).ok());
  ASSERT_TRUE(Write([](Tx& tx) { return tx.RetirePin("", 6); }).ok());
  EXPECT_EQ(PinTaken("1111122222").value(), true);
  EXPECT_EQ(PinTaken("3333344444").value(), true);
  EXPECT_EQ(PinTaken("5555566666").value(), false);
}

TEST_P(StoreContractTest, RetiredPinCannotBeReissued) {
  ASSERT_TRUE(AddAccount(MakeAccount("acc-1")).ok());
  ASSERT_TRUE(Write([](Tx& tx) { return tx.RetirePin("3333344444", 5); }).ok());
  EXPECT_EQ(AddUser(MakeUser("acc-1", "u-1", "a@example.com", "3333344444")).code(),
            Code::kConflict);
  ASSERT_TRUE(AddUser(MakeUser("acc-1", "u-2", "b@example.com", "1111122222")).ok());
  EXPECT_EQ(Write([](Tx& tx) {
              return tx.UpdateUser(MakeUser("acc-1", "u-2", "b@example.com", "3333344444"));
            }).code(),
            Code::kConflict);
}

TEST_P(StoreContractTest, ResetFlowMovesPinAndKeepsOldOneRetired) {
  ASSERT_TRUE(AddAccount(MakeAccount("acc-1")).ok());
  ASSERT_TRUE(AddUser(MakeUser("acc-1", "u-1", "a@example.com", "1111122222")).ok());
  // Updating other fields while keeping one's own PIN is fine.
  User u = MakeUser("acc-1", "u-1", "a@example.com", "1111122222");
  u.display_name = "Renamed";
  ASSERT_TRUE(Write([&](Tx& tx) { return tx.UpdateUser(u); }).ok());
  Status reset = Write([&](Tx& tx) {
    RETURN_IF_ERROR(tx.RetirePin(u.personal_pin, 10));
    u.personal_pin = "7777788888";
    RETURN_IF_ERROR(tx.UpdateUser(u));
    return tx.InsertPinResetAudit(PinResetAudit{"req-1", "AKIAEXAMPLE", "acc-1", "u-1", 10});
  });
  ASSERT_TRUE(reset.ok()) << reset.ToString();
  EXPECT_EQ(GetUser("acc-1", "u-1")->personal_pin, "7777788888");
  EXPECT_EQ(GetUser("acc-1", "u-1")->display_name, "Renamed");
  EXPECT_TRUE(PinTaken("1111122222").value());
  EXPECT_EQ(Get([](Tx& tx) { return tx.CountPinResetAudits("acc-1", "u-1"); }).value(), 1);
  EXPECT_EQ(Get([](Tx& tx) { return tx.CountPinResetAudits("acc-1", "u-2"); }).value(), 0);
}

// ---------------------------------------------------------------------------------------------
// ResetPin: ResetPersonalPIN's write in one call (engines override the default composition).

class ResetPinTest : public StoreContractTest {
 protected:
  void SetUp() override {
    StoreContractTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;  // the base fixture skipped or failed
    ASSERT_TRUE(AddAccount(MakeAccount("acc-1")).ok());
    ASSERT_TRUE(AddAccount(MakeAccount("acc-2")).ok());
    ASSERT_TRUE(AddUser(MakeUser("acc-1", "u-1", "a@example.com", "1111122222")).ok());
    ASSERT_TRUE(AddUser(MakeUser("acc-1", "u-2", "b@example.com", "2222233333")).ok());
    ASSERT_TRUE(Write([](Tx& tx) { return tx.RetirePin("3333344444", 5); }).ok());
  }

  // Runs ResetPin in a write with candidates drawn from `script`; the user it returned.
  StatusOr<User> Reset(const std::string& account_id, const std::string& user_id,
                       std::deque<uint64_t> script, int max_attempts = 64) {
    std::optional<User> out;
    Status s = Write([&](Tx& tx) -> Status {
      chime::testing::ScriptedRandom random(script);  // fresh per run: a store may retry fn
      ASSIGN_OR_RETURN(User u,
                       tx.ResetPin(PinResetAudit{"req-1", "AKIAEXAMPLE", account_id, user_id, 42},
                                   random, max_attempts));
      out = std::move(u);
      return OkStatus();
    });
    if (!s.ok()) return s;
    return std::move(*out);
  }

  int64_t Audits(const std::string& user_id) {
    return Get([&](Tx& tx) { return tx.CountPinResetAudits("acc-1", user_id); }).value();
  }
};

TEST_P(ResetPinTest, SetsOnlyThePinRetiresTheOldOneAndAudits) {
  auto got = Reset("acc-1", "u-1", {7777788888ULL});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  User want = MakeUser("acc-1", "u-1", "a@example.com", "7777788888");
  ExpectUserEq(want, *got);
  ExpectUserEq(want, GetUser("acc-1", "u-1").value());
  EXPECT_TRUE(PinTaken("1111122222").value());  // retired, never issued again
  auto retired = Get([](Tx& tx) { return tx.ListRetiredPins("", 10); });
  ASSERT_TRUE(retired.ok());
  ASSERT_EQ(retired->size(), 2u);
  EXPECT_EQ((*retired)[0].pin, "1111122222");
  EXPECT_EQ((*retired)[0].retired_ms, 42);
  EXPECT_EQ(Audits("u-1"), 1);
  auto audits = Get([](Tx& tx) { return tx.ListPinResetAudits(0, 10); });
  ASSERT_TRUE(audits.ok());
  ASSERT_EQ(audits->items.size(), 1u);
  EXPECT_EQ(audits->items[0].request_id, "req-1");
  EXPECT_EQ(audits->items[0].principal, "AKIAEXAMPLE");
  EXPECT_EQ(audits->items[0].at_ms, 42);
  EXPECT_EQ(GetUser("acc-1", "u-2")->personal_pin, "2222233333");
}

// The PINs resets retired and those retired otherwise (RetirePin: deleted users, copies) are
// one list, in byte order, each PIN once with the time it was first retired, however paged.
TEST_P(ResetPinTest, PinsRetiredByResetsAndOtherwiseAreListedAndCountedOnce) {
  ASSERT_TRUE(Reset("acc-1", "u-1", {7777788888ULL}).ok());  // retires 1111122222
  ASSERT_TRUE(Reset("acc-1", "u-2", {5555566666ULL}).ok());  // retires 2222233333
  ASSERT_TRUE(Reset("acc-1", "u-1", {9999900000ULL}).ok());  // retires 7777788888
  ASSERT_TRUE(Write([](Tx& tx) -> Status {
                RETURN_IF_ERROR(tx.RetirePin("4444455555", 7));
                return tx.RetirePin("1111122222", 99);  // again: the first time counts
              }).ok());
  const std::vector<std::pair<std::string, int64_t>> want = {{"1111122222", 42},
                                                             {"2222233333", 42},
                                                             {"3333344444", 5},
                                                             {"4444455555", 7},
                                                             {"7777788888", 42}};
  for (int page_size : {1, 2, 10}) {
    std::vector<std::pair<std::string, int64_t>> got;
    std::string after;
    for (;;) {
      auto page = Get([&](Tx& tx) { return tx.ListRetiredPins(after, page_size); });
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      if (page->empty()) break;
      ASSERT_LE(page->size(), static_cast<size_t>(page_size));
      for (const auto& r : *page) got.emplace_back(r.pin, r.retired_ms);
      after = page->back().pin;
    }
    EXPECT_EQ(got, want) << "pages of " << page_size;
  }
  auto counts = Get([](Tx& tx) { return tx.CountRows(); });
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->retired_pins, 5);
  EXPECT_EQ(counts->pin_reset_audits, 3);
}

TEST_P(ResetPinTest, SkipsThePreviousAnotherUsersAndRetiredPins) {
  auto got = Reset("acc-1", "u-1", {1111122222ULL, 2222233333ULL, 3333344444ULL, 4444455555ULL});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->personal_pin, "4444455555");
  EXPECT_EQ(GetUser("acc-1", "u-1")->personal_pin, "4444455555");
  EXPECT_EQ(GetUser("acc-1", "u-2")->personal_pin, "2222233333");
  EXPECT_EQ(Audits("u-1"), 1);
}

TEST_P(ResetPinTest, GivesUpAfterMaxAttemptsAndWritesNothing) {
  auto got = Reset("acc-1", "u-1", {2222233333ULL, 3333344444ULL}, /*max_attempts=*/2);
  EXPECT_EQ(got.status().code(), Code::kUnavailable);
  EXPECT_EQ(GetUser("acc-1", "u-1")->personal_pin, "1111122222");
  EXPECT_EQ(Get([](Tx& tx) { return tx.ListRetiredPins("", 10); })->size(), 1u);
  EXPECT_EQ(Audits("u-1"), 0);
}

TEST_P(ResetPinTest, MissingAccountUserOrOtherAccountsUserIsNotFound) {
  auto no_account = Reset("acc-9", "u-1", {7777788888ULL});
  EXPECT_EQ(no_account.status().code(), Code::kNotFound);
  EXPECT_NE(no_account.status().message().find("acc-9"), std::string::npos)
      << no_account.status().message();
  auto no_user = Reset("acc-1", "u-9", {7777788888ULL});
  EXPECT_EQ(no_user.status().code(), Code::kNotFound);
  EXPECT_NE(no_user.status().message().find("u-9"), std::string::npos);
  // u-1 exists, but in acc-1: through acc-2 it must look exactly like a missing user.
  auto other = Reset("acc-2", "u-1", {7777788888ULL});
  EXPECT_EQ(other.status().code(), Code::kNotFound);
  EXPECT_EQ(other.status().message(),
            Get([](Tx& tx) { return tx.GetUser("acc-2", "u-1"); }).status().message());
  EXPECT_EQ(GetUser("acc-1", "u-1")->personal_pin, "1111122222");
  EXPECT_FALSE(PinTaken("7777788888").value());
  EXPECT_EQ(Get([](Tx& tx) { return tx.ListPinResetAudits(0, 10); })->items.size(), 0u);
}

TEST_P(ResetPinTest, UnregisteredOrPinlessUserIsRefusedWithoutWriting) {
  User invited = MakeBareUser("acc-1", "u-3", "c@example.com");  // Unregistered, no PIN
  ASSERT_TRUE(AddUser(invited).ok());
  User pinless = MakeBareUser("acc-1", "u-4", "d@example.com");
  pinless.registration_status = model::RegistrationStatus::kSuspended;  // suspended as invitee
  ASSERT_TRUE(AddUser(pinless).ok());
  for (const char* id : {"u-3", "u-4"}) {
    auto got = Reset("acc-1", id, {7777788888ULL});
    EXPECT_EQ(got.status().code(), Code::kInvalidArgument) << id;
    EXPECT_EQ(GetUser("acc-1", id)->personal_pin, "") << id;
    EXPECT_EQ(Audits(id), 0) << id;
  }
  EXPECT_FALSE(PinTaken("7777788888").value());
}

TEST_P(ResetPinTest, SuspendedUserWithAPinIsReset) {
  User u = MakeUser("acc-1", "u-1", "a@example.com", "1111122222");
  u.registration_status = model::RegistrationStatus::kSuspended;
  ASSERT_TRUE(Write([&](Tx& tx) { return tx.UpdateUser(u); }).ok());
  auto got = Reset("acc-1", "u-1", {7777788888ULL});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->registration_status, model::RegistrationStatus::kSuspended);
  EXPECT_EQ(GetUser("acc-1", "u-1")->personal_pin, "7777788888");
}

TEST_P(ResetPinTest, ResetInsideReadFailsWithInternal) {
  chime::testing::ScriptedRandom random({7777788888ULL});
  StatusOr<User> got = Internal("not run");
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) {
                    got = tx.ResetPin(PinResetAudit{"r", "p", "acc-1", "u-1", 1}, random);
                    return OkStatus();
                  })
                  .ok());
  EXPECT_EQ(got.status().code(), Code::kInternal);
  EXPECT_EQ(GetUser("acc-1", "u-1")->personal_pin, "1111122222");
}

// Store::ResetPin: resets queued together (an engine may run them as one statement), each with
// its own outcome. Several resets of one user all succeed, with distinct PINs; the one stored is
// one of them and every other is retired, so no PIN handed out can be issued again.
TEST_P(ResetPinTest, QueuedResetsEachGetTheirOwnOutcome) {
  User invited = MakeBareUser("acc-1", "u-3", "c@example.com");  // Unregistered, no PIN
  ASSERT_TRUE(AddUser(invited).ok());
  struct Queued {
    std::string account_id, user_id;
    std::promise<StatusOr<User>> result;
  };
  std::vector<std::unique_ptr<Queued>> queued;
  for (auto [account_id, user_id] :
       std::vector<std::pair<std::string, std::string>>{{"acc-1", "u-1"},
                                                        {"acc-1", "u-2"},
                                                        {"acc-1", "u-1"},
                                                        {"acc-1", "u-9"},
                                                        {"acc-1", "u-3"},
                                                        {"acc-2", "u-2"},
                                                        {"acc-1", "u-1"}}) {
    queued.push_back(std::make_unique<Queued>(Queued{account_id, user_id, {}}));
  }
  for (size_t i = 0; i < queued.size(); ++i) {
    Queued* q = queued[i].get();
    store_->ResetPin(PinResetAudit{"req-" + std::to_string(i), "AKIAEXAMPLE", q->account_id,
                                   q->user_id, 100 + static_cast<int64_t>(i)},
                     std::nullopt, CryptoRandom::Get(),
                     [q](StatusOr<User> got) { q->result.set_value(std::move(got)); });
  }
  std::vector<StatusOr<User>> got;
  for (auto& q : queued) got.push_back(q->result.get_future().get());
  EXPECT_EQ(got[3].status().code(), Code::kNotFound);         // no such user
  EXPECT_EQ(got[4].status().code(), Code::kInvalidArgument);  // invited, no PIN yet
  EXPECT_EQ(got[5].status().code(), Code::kNotFound);         // u-2 is not acc-2's
  std::set<std::string> issued;
  std::set<std::string> u1_pins;
  for (int i : {0, 1, 2, 6}) {
    ASSERT_TRUE(got[i].ok()) << i << ": " << got[i].status().ToString();
    EXPECT_EQ(got[i]->user_id, queued[i]->user_id);
    EXPECT_EQ(got[i]->primary_email, i == 1 ? "b@example.com" : "a@example.com");
    EXPECT_TRUE(issued.insert(got[i]->personal_pin).second) << "PIN issued twice";
    if (queued[i]->user_id == "u-1") u1_pins.insert(got[i]->personal_pin);
  }
  const std::string stored = GetUser("acc-1", "u-1")->personal_pin;
  EXPECT_EQ(u1_pins.count(stored), 1u);
  EXPECT_EQ(GetUser("acc-1", "u-2")->personal_pin, got[1]->personal_pin);
  auto retired = Get([](Tx& tx) { return tx.ListRetiredPins("", 100); });
  ASSERT_TRUE(retired.ok());
  std::set<std::string> retired_pins;
  for (const auto& r : *retired) retired_pins.insert(r.pin);
  // The seeded retired PIN, u-1's and u-2's first PINs, and two of u-1's three new ones.
  EXPECT_EQ(retired_pins.size(), 5u);
  for (const char* pin : {"1111122222", "2222233333", "3333344444"}) {
    EXPECT_EQ(retired_pins.count(pin), 1u) << pin;
  }
  for (const auto& pin : u1_pins) EXPECT_EQ(retired_pins.count(pin), pin == stored ? 0u : 1u);
  EXPECT_EQ(Audits("u-1"), 3);
  EXPECT_EQ(Audits("u-2"), 1);
  EXPECT_EQ(Audits("u-3"), 0);
}

// ---------------------------------------------------------------------------------------------
// DeleteAccount.

TEST_P(StoreContractTest, DeleteAccountRemovesUsersAndDocumentsAndRetiresPins) {
  ASSERT_TRUE(AddAccount(MakeAccount("acc-1")).ok());
  ASSERT_TRUE(AddAccount(MakeAccount("acc-2")).ok());
  ASSERT_TRUE(AddUser(MakeUser("acc-1", "u-1", "a@example.com", "1111122222")).ok());
  ASSERT_TRUE(AddUser(MakeUser("acc-1", "u-2", "b@example.com", "3333344444")).ok());
  ASSERT_TRUE(AddUser(MakeUser("acc-1", "u-3", "c@example.com")).ok());  // no PIN
  ASSERT_TRUE(AddUser(MakeUser("acc-2", "u-4", "a@example.com", "5555566666")).ok());
  ASSERT_TRUE(Write([](Tx& tx) {
                RETURN_IF_ERROR(tx.PutDocument("account_settings", "acc-1", "{}"));
                RETURN_IF_ERROR(tx.PutDocument("user_settings", "u-1", "{}"));
                RETURN_IF_ERROR(tx.PutDocument("user_settings", "acc-1/u-2", "{}"));
                RETURN_IF_ERROR(tx.PutDocument("account_settings", "acc-2", "{\"k\":1}"));
                RETURN_IF_ERROR(tx.PutDocument("user_settings", "u-4", "{\"k\":2}"));
                return tx.PutDocument("global", "acc-10", "{\"k\":3}");
              }).ok());

  ASSERT_TRUE(Write([](Tx& tx) { return tx.DeleteAccount("acc-1", 99); }).ok());

  EXPECT_EQ(Get([](Tx& tx) { return tx.GetAccount("acc-1"); }).status().code(), Code::kNotFound);
  EXPECT_EQ(GetUser("acc-1", "u-1").status().code(), Code::kNotFound);
  EXPECT_EQ(ListUsers(UsersOf("acc-1")).status().code(), Code::kNotFound);
  EXPECT_TRUE(PinTaken("1111122222").value());
  EXPECT_TRUE(PinTaken("3333344444").value());
  auto doc = [&](const char* kind, const char* key) {
    return Get([&](Tx& tx) { return tx.GetDocument(kind, key); }).value();
  };
  EXPECT_FALSE(doc("account_settings", "acc-1").has_value());
  EXPECT_FALSE(doc("user_settings", "u-1").has_value());
  EXPECT_FALSE(doc("user_settings", "acc-1/u-2").has_value());
  EXPECT_EQ(doc("account_settings", "acc-2"), "{\"k\":1}");
  EXPECT_EQ(doc("user_settings", "u-4"), "{\"k\":2}");
  EXPECT_EQ(doc("global", "acc-10"), "{\"k\":3}");  // a key that merely starts with the id
  // The other account is untouched.
  EXPECT_TRUE(GetUser("acc-2", "u-4").ok());
  // The retired PINs stay unusable; the ids and emails are free again.
  ASSERT_TRUE(AddAccount(MakeAccount("acc-1")).ok());
  EXPECT_EQ(AddUser(MakeUser("acc-1", "u-9", "z@example.com", "1111122222")).code(),
            Code::kConflict);
  EXPECT_TRUE(AddUser(MakeUser("acc-1", "u-1", "a@example.com")).ok());
}

// ---------------------------------------------------------------------------------------------
// Listing.

TEST_P(StoreContractTest, ListUsersPagesReturnEachUserExactlyOnce) {
  ASSERT_TRUE(AddAccount(MakeAccount("acc-1")).ok());
  ASSERT_TRUE(AddAccount(MakeAccount("acc-2")).ok());
  ASSERT_TRUE(Write([](Tx& tx) {
                for (int i = 0; i < 250; ++i) {
                  std::string id = "u-" + std::to_string(i);
                  RETURN_IF_ERROR(tx.InsertUser(MakeBareUser("acc-1", id, id + "@example.com")));
                  if (i % 10 == 0) {
                    RETURN_IF_ERROR(tx.InsertUser(MakeBareUser("acc-2", "o-" + id, "o@x.y" + id)));
                  }
                }
                return OkStatus();
              }).ok());

  std::vector<std::string> seen;
  std::vector<std::string> added;
  UserQuery q = UsersOf("acc-1", 100);
  int pages = 0;
  for (;;) {
    auto page = ListUsers(q);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ++pages;
    ASSERT_LE(page->items.size(), 100u);
    for (const auto& u : page->items) {
      EXPECT_EQ(u.account_id, "acc-1");
      seen.push_back(u.user_id);
    }
    if (!page->next_seq) break;
    q.after_seq = *page->next_seq;
    // Users created while a client pages show up later, never shifting earlier pages.
    std::string id = "new-" + std::to_string(pages);
    added.push_back(id);
    ASSERT_TRUE(AddUser(MakeBareUser("acc-1", id, id + "@example.com")).ok());
  }
  std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size()) << "a user appeared twice";
  EXPECT_EQ(seen.size(), 250 + added.size());
  for (const auto& id : added) EXPECT_TRUE(unique.count(id)) << id;
  // Insertion order.
  EXPECT_EQ(seen.front(), "u-0");
  EXPECT_EQ(seen[249], "u-249");
}

TEST_P(StoreContractTest, LastFullPageHasNoNextSeq) {
  ASSERT_TRUE(AddAccount(MakeAccount("acc-1")).ok());
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(AddUser(MakeBareUser("acc-1", "u-" + std::to_string(i), "")).ok());
  }
  auto first = ListUsers(UsersOf("acc-1", 2));
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->items.size(), 2u);
  ASSERT_TRUE(first->next_seq.has_value());
  auto second = ListUsers(UsersOf("acc-1", 2, *first->next_seq));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->items.size(), 2u);
  EXPECT_FALSE(second->next_seq.has_value());
  EXPECT_EQ(second->items[0].user_id, "u-2");
}

TEST_P(StoreContractTest, ListUsersFiltersByEmailAndType) {
  ASSERT_TRUE(AddAccount(MakeAccount("acc-1")).ok());
  User shared = MakeBareUser("acc-1", "u-1", "Desk@Example.com");
  shared.user_type = model::UserType::kSharedDevice;
  ASSERT_TRUE(AddUser(shared).ok());
  ASSERT_TRUE(AddUser(MakeBareUser("acc-1", "u-2", "jane@example.com")).ok());
  ASSERT_TRUE(AddUser(MakeBareUser("acc-1", "u-3", "desk@example.com.evil")).ok());

  UserQuery email_query = UsersOf("acc-1");
  email_query.email = "DESK@example.COM";
  auto by_email = ListUsers(email_query);
  ASSERT_TRUE(by_email.ok());
  ASSERT_EQ(by_email->items.size(), 1u);
  EXPECT_EQ(by_email->items[0].user_id, "u-1");

  UserQuery type_query = UsersOf("acc-1");
  type_query.user_type = model::UserType::kPrivateUser;
  auto by_type = ListUsers(type_query);
  ASSERT_TRUE(by_type.ok());
  ASSERT_EQ(by_type->items.size(), 2u);
  EXPECT_EQ(by_type->items[0].user_id, "u-2");

  UserQuery both_query = type_query;
  both_query.email = "desk@example.com";
  auto both = ListUsers(both_query);
  ASSERT_TRUE(both.ok());
  EXPECT_TRUE(both->items.empty());
  EXPECT_FALSE(both->next_seq.has_value());
}

TEST_P(StoreContractTest, ListUsersOfMissingAccountIsNotFound) {
  EXPECT_EQ(ListUsers(UsersOf("nope")).status().code(), Code::kNotFound);
}

TEST_P(StoreContractTest, ListAccountsPagesAndFiltersByNamePrefix) {
  const std::vector<std::pair<std::string, std::string>> accounts = {
      {"a1", "100% Corp"}, {"a2", "100 Corp"},  {"a3", "1000 Corp"}, {"a4", "my_team"},
      {"a5", "myXteam"},   {"a6", "My_team 2"}, {"a7", "my_team2"},  {"a8", "\xC3\xA9t\xC3\xA9"},
  };
  for (const auto& [id, name] : accounts) ASSERT_TRUE(AddAccount(MakeAccount(id, name)).ok());

  using Ids = std::vector<std::string>;
  EXPECT_EQ(AllAccountIds(AccountQuery()), (Ids{"a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"}));
  EXPECT_EQ(AllAccountIds(AccountsNamed("")), AllAccountIds(AccountQuery()));
  // % and _ are characters, not wildcards.
  EXPECT_EQ(AllAccountIds(AccountsNamed("100%")), (Ids{"a1"}));
  EXPECT_EQ(AllAccountIds(AccountsNamed("100")), (Ids{"a1", "a2", "a3"}));
  EXPECT_EQ(AllAccountIds(AccountsNamed("my_")), (Ids{"a4", "a7"}));
  EXPECT_EQ(AllAccountIds(AccountsNamed("my_team")), (Ids{"a4", "a7"}));
  EXPECT_EQ(AllAccountIds(AccountsNamed("%")), Ids{});
  EXPECT_EQ(AllAccountIds(AccountsNamed("_")), Ids{});
  EXPECT_EQ(AllAccountIds(AccountsNamed("\xC3\xA9")), (Ids{"a8"}));
  EXPECT_EQ(AllAccountIds(AccountsNamed("100% Corp and more")), Ids{});
}

TEST_P(StoreContractTest, ListAccountsFiltersByUserEmail) {
  for (const char* id : {"a1", "a2", "a3"}) ASSERT_TRUE(AddAccount(MakeAccount(id)).ok());
  ASSERT_TRUE(AddUser(MakeBareUser("a1", "u-1", "Jane@Example.com")).ok());
  ASSERT_TRUE(AddUser(MakeBareUser("a3", "u-2", "jane@example.com")).ok());
  ASSERT_TRUE(AddUser(MakeBareUser("a3", "u-3", "joe@example.com")).ok());
  ASSERT_TRUE(AddUser(MakeBareUser("a2", "u-4", "joe@example.com")).ok());
  using Ids = std::vector<std::string>;
  EXPECT_EQ(AllAccountIds(AccountsNamed(std::nullopt, "JANE@example.com"), 1), (Ids{"a1", "a3"}));
  EXPECT_EQ(AllAccountIds(AccountsNamed("Example", "joe@example.com")), (Ids{"a2", "a3"}));
  EXPECT_EQ(AllAccountIds(AccountsNamed(std::nullopt, "nobody@example.com")), Ids{});
}

TEST_P(StoreContractTest, ZeroLimitIsRejected) {
  ASSERT_TRUE(AddAccount(MakeAccount("a1")).ok());
  EXPECT_EQ(ListAccounts(AccountQuery{std::nullopt, std::nullopt, 0, 0}).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(ListUsers(UsersOf("a1", 0)).status().code(), Code::kInvalidArgument);
}

// ---------------------------------------------------------------------------------------------
// Documents and access keys.

TEST_P(StoreContractTest, DocumentsAreAbsentUntilPutThenOverwritten) {
  auto get = [&](const char* kind, const char* key) {
    return Get([&](Tx& tx) { return tx.GetDocument(kind, key); });
  };
  ASSERT_TRUE(get("account_settings", "a1").ok());
  EXPECT_FALSE(get("account_settings", "a1")->has_value());
  ASSERT_TRUE(
      Write([](Tx& tx) { return tx.PutDocument("account_settings", "a1", "{\"a\":1}"); }).ok());
  ASSERT_TRUE(
      Write([](Tx& tx) { return tx.PutDocument("user_settings", "a1", "{\"u\":1}"); }).ok());
  EXPECT_EQ(get("account_settings", "a1").value(), "{\"a\":1}");
  ASSERT_TRUE(
      Write([](Tx& tx) { return tx.PutDocument("account_settings", "a1", "{\"a\":2}"); }).ok());
  EXPECT_EQ(get("account_settings", "a1").value(), "{\"a\":2}");
  EXPECT_EQ(get("user_settings", "a1").value(), "{\"u\":1}");
}

AccessKeyRecord MakeKey(const std::string& id) {
  AccessKeyRecord k;
  k.access_key_id = id;
  k.name = "ci";
  k.encrypted_secret = std::string("\x00\x01\xFF\xFEsecret\x00", 11);  // binary, NULs included
  k.session_token_hash = std::string(64, 'a');
  k.policy_json = "{\"Statement\":[]}";
  k.enabled = false;
  k.created_ms = 123;
  k.last_used_ms = 456;
  return k;
}

void ExpectKeyEq(const AccessKeyRecord& want, const AccessKeyRecord& got) {
  EXPECT_EQ(want.access_key_id, got.access_key_id);
  EXPECT_EQ(want.name, got.name);
  EXPECT_EQ(want.encrypted_secret, got.encrypted_secret);
  EXPECT_EQ(want.session_token_hash, got.session_token_hash);
  EXPECT_EQ(want.policy_json, got.policy_json);
  EXPECT_EQ(want.enabled, got.enabled);
  EXPECT_EQ(want.created_ms, got.created_ms);
  EXPECT_EQ(want.last_used_ms, got.last_used_ms);
}

TEST_P(StoreContractTest, AccessKeysRoundTripUpdateAndDelete) {
  AccessKeyRecord full = MakeKey("AKIAFULL");
  AccessKeyRecord bare;
  bare.access_key_id = "AKIABARE";
  bare.encrypted_secret = "x";
  ASSERT_TRUE(Write([&](Tx& tx) {
                RETURN_IF_ERROR(tx.InsertAccessKey(full));
                return tx.InsertAccessKey(bare);
              }).ok());
  EXPECT_EQ(Write([&](Tx& tx) { return tx.InsertAccessKey(bare); }).code(), Code::kConflict);
  ExpectKeyEq(full, Get([](Tx& tx) { return tx.GetAccessKey("AKIAFULL"); }).value());
  ExpectKeyEq(bare, Get([](Tx& tx) { return tx.GetAccessKey("AKIABARE"); }).value());
  EXPECT_EQ(Get([](Tx& tx) { return tx.GetAccessKey("AKIANONE"); }).status().code(),
            Code::kNotFound);

  auto all = Get([](Tx& tx) { return tx.ListAccessKeys(); });
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);

  full.enabled = true;
  full.last_used_ms = std::nullopt;
  full.session_token_hash = std::nullopt;
  full.name = "renamed";
  ASSERT_TRUE(Write([&](Tx& tx) { return tx.UpdateAccessKey(full); }).ok());
  ExpectKeyEq(full, Get([](Tx& tx) { return tx.GetAccessKey("AKIAFULL"); }).value());
  EXPECT_EQ(Write([](Tx& tx) { return tx.UpdateAccessKey(MakeKey("AKIANONE")); }).code(),
            Code::kNotFound);

  // Store::ReadAccessKey: the same row read by itself, and nullopt for an absent key.
  auto read = store_->ReadAccessKey("AKIAFULL");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_TRUE(read->has_value());
  ExpectKeyEq(full, **read);
  read = store_->ReadAccessKey("AKIANONE");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_FALSE(read->has_value());
  ASSERT_TRUE(Write([](Tx& tx) { return tx.DeleteAccessKey("AKIAFULL"); }).ok());
  EXPECT_EQ(Write([](Tx& tx) { return tx.DeleteAccessKey("AKIAFULL"); }).code(), Code::kNotFound);
  EXPECT_EQ(Get([](Tx& tx) { return tx.ListAccessKeys(); })->size(), 1u);
}

// Store::ResetPin with an access-key check (a request admitted from the gate's cached key): the
// reset runs only while the key's row is enabled and holds exactly what the check says, read in
// the reset's own transaction; otherwise kKeyChanged and nothing written. Queued together, so
// an engine that batches resets (PostgreSQL) checks each reset of one statement on its own.
TEST_P(ResetPinTest, QueuedResetsRunOnlyWhileTheirAccessKeyIsUnchanged) {
  AccessKeyRecord key = MakeKey("AKIACHECKED");
  key.enabled = true;
  ASSERT_TRUE(Write([&](Tx& tx) { return tx.InsertAccessKey(key); }).ok());
  const AccessKeyCheck same{key.access_key_id, key.encrypted_secret, key.session_token_hash,
                            key.policy_json};
  auto reset_all =
      [&](const std::vector<std::pair<std::string, std::optional<AccessKeyCheck>>>& resets) {
        std::vector<std::promise<StatusOr<User>>> promises(resets.size());
        for (size_t i = 0; i < resets.size(); ++i) {
          store_->ResetPin(
              PinResetAudit{"req-" + std::to_string(i), "AKIACHECKED", "acc-1", resets[i].first,
                            100},
              resets[i].second, CryptoRandom::Get(),
              [p = &promises[i]](StatusOr<User> got) { p->set_value(std::move(got)); });
        }
        std::vector<StatusOr<User>> got;
        for (auto& p : promises) got.push_back(p.get_future().get());
        return got;
      };
  AccessKeyCheck other_policy = same;
  other_policy.policy_json = R"({"Statement":[{"Effect":"Allow"}]})";
  AccessKeyCheck other_secret = same;
  other_secret.encrypted_secret[1] ^= 1;
  AccessKeyCheck no_token = same;
  no_token.session_token_hash.reset();
  AccessKeyCheck gone = same;
  gone.access_key_id = "AKIAGONE";

  auto got = reset_all({{"u-1", same},
                        {"u-2", other_policy},
                        {"u-1", other_secret},
                        {"u-2", no_token},
                        {"u-2", gone},
                        {"u-2", std::nullopt}});
  ASSERT_TRUE(got[0].ok()) << got[0].status().ToString();
  ASSERT_TRUE(got[5].ok()) << got[5].status().ToString();
  for (int i : {1, 2, 3, 4}) EXPECT_EQ(got[i].status().code(), Code::kKeyChanged) << i;
  EXPECT_EQ(GetUser("acc-1", "u-1")->personal_pin, got[0]->personal_pin);
  EXPECT_EQ(GetUser("acc-1", "u-2")->personal_pin, got[5]->personal_pin);
  EXPECT_EQ(Audits("u-1"), 1);  // the refused resets wrote nothing
  EXPECT_EQ(Audits("u-2"), 1);

  // The key disabled: the check that passed above fails now, and still writes nothing.
  key.enabled = false;
  ASSERT_TRUE(Write([&](Tx& tx) { return tx.UpdateAccessKey(key); }).ok());
  got = reset_all({{"u-1", same}, {"u-2", std::nullopt}});
  EXPECT_EQ(got[0].status().code(), Code::kKeyChanged);
  EXPECT_TRUE(got[1].ok()) << got[1].status().ToString();
  // Enabled again, with only its name and last use changed: those are not part of the check.
  key.enabled = true;
  key.name = "renamed";
  key.last_used_ms = 999;
  ASSERT_TRUE(Write([&](Tx& tx) { return tx.UpdateAccessKey(key); }).ok());
  got = reset_all({{"u-1", same}});
  EXPECT_TRUE(got[0].ok()) << got[0].status().ToString();
  ASSERT_TRUE(Write([](Tx& tx) { return tx.DeleteAccessKey("AKIACHECKED"); }).ok());
  const std::string before = GetUser("acc-1", "u-1")->personal_pin;
  got = reset_all({{"u-1", same}});
  EXPECT_EQ(got[0].status().code(), Code::kKeyChanged);
  EXPECT_EQ(GetUser("acc-1", "u-1")->personal_pin, before);
  EXPECT_EQ(Audits("u-1"), 2);

  // A key without a session token (most keys): a check without one passes, one with a token
  // does not.
  AccessKeyRecord plain = MakeKey("AKIAPLAIN");
  plain.enabled = true;
  plain.session_token_hash.reset();
  ASSERT_TRUE(Write([&](Tx& tx) { return tx.InsertAccessKey(plain); }).ok());
  const AccessKeyCheck plain_check{plain.access_key_id, plain.encrypted_secret, std::nullopt,
                                   plain.policy_json};
  AccessKeyCheck plain_with_token = plain_check;
  plain_with_token.session_token_hash = std::string(64, 'a');
  got = reset_all({{"u-1", plain_check}, {"u-2", plain_with_token}});
  EXPECT_TRUE(got[0].ok()) << got[0].status().ToString();
  EXPECT_EQ(got[1].status().code(), Code::kKeyChanged);
  EXPECT_EQ(Audits("u-1"), 3);
  EXPECT_EQ(Audits("u-2"), 2);
}

// ---------------------------------------------------------------------------------------------
// Bulk export (chimed migrate-store).

TEST_P(StoreContractTest, BulkExportListsRetiredPinsAuditsAndDocumentsInOrder) {
  ASSERT_TRUE(AddAccount(MakeAccount("a1")).ok());
  ASSERT_TRUE(AddUser(MakeUser("a1", "u1", "u1@x.com", "2222222229")).ok());
  ASSERT_TRUE(Write([](Tx& tx) {
                RETURN_IF_ERROR(tx.RetirePin("3333333338", 30));
                RETURN_IF_ERROR(tx.RetirePin("1111111117", 10));
                RETURN_IF_ERROR(tx.RetirePin("2222222226", 20));
                for (int i = 0; i < 3; ++i) {
                  RETURN_IF_ERROR(tx.InsertPinResetAudit(
                      PinResetAudit{"req-" + std::to_string(i), "AKIA", "a1", "u1", 100 + i}));
                }
                RETURN_IF_ERROR(tx.PutDocument("user-settings", "u1", "{\"a\":1}"));
                RETURN_IF_ERROR(tx.PutDocument("account-settings", "a1", "{}"));
                RETURN_IF_ERROR(tx.PutDocument("account-settings", "a1/x", "[]"));
                RETURN_IF_ERROR(tx.PutDocument("account-settings", "Z", "{}"));  // 'Z' < 'a'
                return tx.InsertAccessKey(MakeKey("AKIAKEY"));
              }).ok());

  // Retired PINs, one per page, ascending.
  std::vector<std::pair<std::string, int64_t>> pins;
  std::string after;
  for (;;) {
    auto page = Get([&](Tx& tx) { return tx.ListRetiredPins(after, 1); });
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    if (page->empty()) break;
    ASSERT_EQ(page->size(), 1u);
    pins.emplace_back(page->front().pin, page->front().retired_ms);
    after = page->front().pin;
  }
  EXPECT_EQ(pins, (std::vector<std::pair<std::string, int64_t>>{
                      {"1111111117", 10}, {"2222222226", 20}, {"3333333338", 30}}));

  // Audits, two per page, in insertion order.
  std::vector<std::string> requests;
  int64_t after_seq = 0;
  for (;;) {
    auto page = Get([&](Tx& tx) { return tx.ListPinResetAudits(after_seq, 2); });
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const auto& a : page->items) {
      requests.push_back(a.request_id);
      EXPECT_EQ(a.principal, "AKIA");
      EXPECT_EQ(a.account_id, "a1");
      EXPECT_EQ(a.user_id, "u1");
    }
    if (!page->next_seq) break;
    after_seq = *page->next_seq;
  }
  EXPECT_EQ(requests, (std::vector<std::string>{"req-0", "req-1", "req-2"}));

  // Documents, two per page, in (kind, key) byte order.
  std::vector<std::string> docs;
  std::string after_kind, after_key;
  for (;;) {
    auto page = Get([&](Tx& tx) { return tx.ListDocuments(after_kind, after_key, 2); });
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    if (page->empty()) break;
    for (const auto& d : *page) docs.push_back(d.kind + "|" + d.key + "|" + d.json);
    after_kind = page->back().kind;
    after_key = page->back().key;
  }
  EXPECT_EQ(docs,
            (std::vector<std::string>{"account-settings|Z|{}", "account-settings|a1|{}",
                                      "account-settings|a1/x|[]", "user-settings|u1|{\"a\":1}"}));

  auto counts = Get([](Tx& tx) { return tx.CountRows(); });
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->accounts, 1);
  EXPECT_EQ(counts->users, 1);
  EXPECT_EQ(counts->retired_pins, 3);
  EXPECT_EQ(counts->pin_reset_audits, 3);
  EXPECT_EQ(counts->documents, 4);
  EXPECT_EQ(counts->access_keys, 1);

  EXPECT_EQ(Get([](Tx& tx) { return tx.ListRetiredPins("", 0); }).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Get([](Tx& tx) { return tx.ListPinResetAudits(0, 0); }).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Get([](Tx& tx) { return tx.ListDocuments("", "", 0); }).status().code(),
            Code::kInvalidArgument);
}

// ---------------------------------------------------------------------------------------------
// Transactions.

TEST_P(StoreContractTest, WritesInsideReadFailWithInternal) {
  std::vector<Status> results;
  Status s = store_->Read([&](Tx& tx) {
    results.push_back(tx.InsertAccount(MakeAccount("a1")));
    results.push_back(tx.UpdateAccount(MakeAccount("a1")));
    results.push_back(tx.DeleteAccount("a1", 1));
    results.push_back(tx.InsertUser(MakeUser("a1", "u1", "a@b.c")));
    results.push_back(tx.UpdateUser(MakeUser("a1", "u1", "a@b.c")));
    results.push_back(tx.RetirePin("1234567890", 1));
    results.push_back(tx.InsertPinResetAudit(PinResetAudit{}));
    results.push_back(tx.InsertAccessKey(MakeKey("AKIA")));
    results.push_back(tx.UpdateAccessKey(MakeKey("AKIA")));
    results.push_back(tx.DeleteAccessKey("AKIA"));
    results.push_back(tx.PutDocument("k", "k", "{}"));
    return OkStatus();
  });
  ASSERT_TRUE(s.ok());
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].code(), Code::kInternal) << "write method #" << i;
  }
  EXPECT_EQ(Get([](Tx& tx) { return tx.GetAccount("a1"); }).status().code(), Code::kNotFound);
}

TEST_P(StoreContractTest, FailedWriteFunctionLeavesNoTrace) {
  Status s = Write([](Tx& tx) {
    RETURN_IF_ERROR(tx.InsertAccount(MakeAccount("a1")));
    RETURN_IF_ERROR(tx.RetirePin("1234567890", 1));
    return Conflict("changed my mind");
  });
  EXPECT_EQ(s, Conflict("changed my mind"));
  EXPECT_EQ(Get([](Tx& tx) { return tx.GetAccount("a1"); }).status().code(), Code::kNotFound);
  EXPECT_FALSE(PinTaken("1234567890").value());
}

TEST_P(StoreContractTest, ThrowingFunctionsBecomeInternal) {
  Status w = Write([](Tx& tx) -> Status {
    (void)tx.InsertAccount(MakeAccount("a1"));
    throw std::runtime_error("boom");
  });
  EXPECT_EQ(w.code(), Code::kInternal);
  EXPECT_EQ(Get([](Tx& tx) { return tx.GetAccount("a1"); }).status().code(), Code::kNotFound);
  Status r = store_->Read([](Tx&) -> Status { throw std::runtime_error("boom"); });
  EXPECT_EQ(r.code(), Code::kInternal);
  // The store still works.
  EXPECT_TRUE(AddAccount(MakeAccount("a1")).ok());
}

TEST_P(StoreContractTest, WriteAfterCloseIsUnavailableWithoutRunningFn) {
  store_->Close();
  store_->Close();  // idempotent
  bool ran = false;
  Status s = store_->WriteAndWait([&](Tx&) {
    ran = true;
    return OkStatus();
  });
  EXPECT_EQ(s.code(), Code::kUnavailable);
  EXPECT_FALSE(ran);
}

// ---------------------------------------------------------------------------------------------
// Implementations.

// Owns the temporary directory of the database it wraps, so the factory can hand out a plain
// Store and the directory goes away with it.
class TempSqliteStore final : public Store {
 public:
  TempSqliteStore() {
    auto opened = sqlite::SqliteStore::Open(dir_.File("chimed.db"));
    if (opened.ok()) store_ = std::move(opened).value();
  }
  ~TempSqliteStore() override { Close(); }
  bool ok() const { return store_ != nullptr; }
  Status Read(const TxFn& fn) override { return store_->Read(fn); }
  void Write(TxFn fn, DoneFn done) override { store_->Write(std::move(fn), std::move(done)); }
  void Close() override { store_->Close(); }

 private:
  sqlite::TempDir dir_;  // declared first: outlives the store
  std::unique_ptr<sqlite::SqliteStore> store_;
};

[[maybe_unused]] std::unique_ptr<Store> MakeSqliteStore() {
  auto store = std::make_unique<TempSqliteStore>();
  if (!store->ok()) return nullptr;
  return store;
}

#ifdef CHIME_STORE_CONTRACT_POSTGRES
// Every test gets a fresh database on the process's server.
std::unique_ptr<Store> MakePostgresStore() {
  auto url = postgres::PgTestServer::Get().NewDatabase();
  if (!url.ok()) {
    ADD_FAILURE() << url.status().ToString();
    return nullptr;
  }
  auto opened = postgres::PgStore::Open(*url);
  if (!opened.ok()) {
    ADD_FAILURE() << opened.status().ToString();
    return nullptr;
  }
  return std::move(opened).value();
}

std::string PostgresUnavailable() {
  const std::string& why = postgres::PgTestServer::Get().unavailable();
  return why.empty() ? why : "POSTGRES-UNAVAILABLE: " + why;
}

INSTANTIATE_TEST_SUITE_P(
    store, StoreContractTest,
    ::testing::Values(StoreFactory{"Postgres", &MakePostgresStore, &PostgresUnavailable}),
    [](const ::testing::TestParamInfo<StoreFactory>& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(
    store, ResetPinTest,
    ::testing::Values(StoreFactory{"Postgres", &MakePostgresStore, &PostgresUnavailable}),
    [](const ::testing::TestParamInfo<StoreFactory>& info) { return info.param.name; });
#else
// Lowercase prefix: `ctest -R store` selects every store test.
INSTANTIATE_TEST_SUITE_P(store, StoreContractTest,
                         ::testing::Values(StoreFactory{"Sqlite", &MakeSqliteStore}),
                         [](const ::testing::TestParamInfo<StoreFactory>& info) {
                           return info.param.name;
                         });
INSTANTIATE_TEST_SUITE_P(store, ResetPinTest,
                         ::testing::Values(StoreFactory{"Sqlite", &MakeSqliteStore}),
                         [](const ::testing::TestParamInfo<StoreFactory>& info) {
                           return info.param.name;
                         });
#endif

}  // namespace
}  // namespace chime::store
