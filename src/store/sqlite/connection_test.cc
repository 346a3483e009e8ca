// The SQLite plumbing under the store: statement caching and error mapping.
#include "store/sqlite/connection.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "store/sqlite/sqlite_error.h"
#include "store/sqlite/test_temp_dir.h"

namespace chime::store::sqlite {
namespace {

// Parameterized only to share the "store/" prefix that `ctest -R store` selects.
class ConnectionTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    sqlite3* db = nullptr;  // Connection::Open expects the file to exist
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    sqlite3_close(db);
    auto opened = Connection::Open(path_, 100);
    ASSERT_TRUE(opened.ok());
    conn_ = std::move(opened).value();
  }

  TempDir dir_;
  std::string path_ = dir_.File("c.db");
  std::unique_ptr<Connection> conn_;
};

TEST_P(ConnectionTest, StatementsArePreparedOnceAndReused) {
  Stmt* first = nullptr;
  {
    auto lease = conn_->Prepare("SELECT ?1", "test");
    ASSERT_TRUE(lease.ok());
    first = &**lease;
    (*lease)->BindInt(1, 7);
    ASSERT_EQ((*lease)->Step(), SQLITE_ROW);
    EXPECT_EQ((*lease)->Int(0), 7);
  }
  auto again = conn_->Prepare("SELECT ?1", "test");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(&**again, first);
  // The lease reset the statement and cleared its bindings.
  ASSERT_EQ((*again)->Step(), SQLITE_ROW);
  EXPECT_TRUE((*again)->IsNull(0));
}

TEST_P(ConnectionTest, NestedUseOfOneStatementIsRefused) {
  auto outer = conn_->Prepare("SELECT 1", "test");
  ASSERT_TRUE(outer.ok());
  auto inner = conn_->Prepare("SELECT 1", "test");
  EXPECT_EQ(inner.status(), InternalError());
}

TEST_P(ConnectionTest, CachedSqlIsPreparedOncePerConnectionAndFoundBySlot) {
  static const CachedSql kSql("SELECT ?1");
  static const CachedSql kOther("SELECT ?1");  // same text, own slot: no confusion either way
  EXPECT_NE(kSql.slot(), kOther.slot());
  Stmt* first = nullptr;
  {
    auto lease = conn_->Prepare(kSql, "test");
    ASSERT_TRUE(lease.ok());
    first = &**lease;
    (*lease)->BindInt(1, 7);
    ASSERT_EQ((*lease)->Step(), SQLITE_ROW);
    EXPECT_EQ((*lease)->Int(0), 7);
    auto nested = conn_->Prepare(kSql, "test");
    EXPECT_EQ(nested.status(), InternalError());
    auto other = conn_->Prepare(kOther, "test");
    ASSERT_TRUE(other.ok());
    EXPECT_NE(&**other, first);
  }
  auto again = conn_->Prepare(kSql, "test");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(&**again, first);
  ASSERT_EQ((*again)->Step(), SQLITE_ROW);
  EXPECT_TRUE((*again)->IsNull(0));  // the lease reset it and cleared its bindings
}

TEST_P(ConnectionTest, BadSqlIsInternalWithoutSqlInTheMessage) {
  Status s = conn_->Exec("SELEC nonsense FROM secret_table", "test");
  EXPECT_EQ(s, InternalError());
  EXPECT_EQ(s.message().find("secret_table"), std::string::npos);
}

TEST_P(ConnectionTest, ErrorCodesMapToClientSafeStatuses) {
  for (int rc : {SQLITE_BUSY, SQLITE_LOCKED, SQLITE_FULL, SQLITE_IOERR_FSYNC, SQLITE_READONLY,
                 SQLITE_CANTOPEN, SQLITE_BUSY_SNAPSHOT}) {
    Status s = MapSqliteError(rc, nullptr, "test");
    EXPECT_EQ(s, UnavailableError()) << rc;
    EXPECT_EQ(s.message().find("locked"), std::string::npos);
  }
  EXPECT_EQ(MapSqliteError(SQLITE_CONSTRAINT_UNIQUE, nullptr, "test").code(), Code::kConflict);
  EXPECT_EQ(MapSqliteError(SQLITE_CORRUPT, nullptr, "test"), InternalError());
  EXPECT_EQ(MapSqliteError(SQLITE_MISUSE, nullptr, "test"), InternalError());
}

TEST_P(ConnectionTest, BinaryTextAndNullsRoundTrip) {
  auto lease = conn_->Prepare("SELECT ?1, ?2, ?3", "test");
  ASSERT_TRUE(lease.ok());
  const std::string bytes("a\0b\xFF", 4);
  (*lease)->BindBlob(1, bytes);
  (*lease)->BindTextOrNull(2, "");
  (*lease)->BindOptionalInt(3, std::nullopt);
  ASSERT_EQ((*lease)->Step(), SQLITE_ROW);
  EXPECT_EQ((*lease)->Text(0), bytes);
  EXPECT_TRUE((*lease)->IsNull(1));
  EXPECT_EQ((*lease)->OptionalInt(2), std::nullopt);
}

INSTANTIATE_TEST_SUITE_P(store, ConnectionTest, ::testing::Values("Sqlite"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace chime::store::sqlite
