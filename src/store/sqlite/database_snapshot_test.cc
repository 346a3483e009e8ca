// The migrate-store source helpers: they read a database without changing a byte of it.
#include "store/sqlite/database_snapshot.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <string>

#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/test_behind_the_store.h"
#include "store/sqlite/test_temp_dir.h"

namespace chime::store::sqlite {
namespace {

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class DatabaseSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    auto store = SqliteStore::Open(path_, {});
    ASSERT_TRUE(store.ok()) << store.status().message();
    model::Account a;
    a.account_id = "acc-1";
    a.name = "Moving";
    a.aws_account_id = "123456789012";
    ASSERT_TRUE((*store)->WriteAndWait([&](Tx& tx) { return tx.InsertAccount(a); }).ok());
    (*store)->Close();
  }

  TempDir dir_;
  std::string path_ = dir_.File("chimed.db");
};

TEST_F(DatabaseSnapshotTest, ReadsTheVersionWithoutWriting) {
  RewindToSchemaVersionOne(path_);
  const std::string before = FileBytes(path_);
  auto version = ReadSchemaVersion(path_);
  ASSERT_TRUE(version.ok()) << version.status().message();
  EXPECT_EQ(*version, 1);
  EXPECT_EQ(FileBytes(path_), before);
}

TEST_F(DatabaseSnapshotTest, NamesWhatIsWrongWithASource) {
  auto missing = ReadSchemaVersion(dir_.File("typo.db"));
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_NE(missing.status().message().find("typo.db"), std::string::npos);
  struct stat st {};
  EXPECT_NE(::stat(dir_.File("typo.db").c_str(), &st), 0) << "a missing source was created";

  std::ofstream(dir_.File("notes.txt")) << "not a database, but long enough to have a header "
                                           "that SQLite reads and rejects as one............";
  EXPECT_EQ(ReadSchemaVersion(dir_.File("notes.txt")).status().code(), Code::kInvalidArgument);

  ExecBehindTheStore(dir_.File("other.db"), "CREATE TABLE t(x)");
  auto other = ReadSchemaVersion(dir_.File("other.db"));
  EXPECT_EQ(other.status().code(), Code::kInvalidArgument);
  EXPECT_NE(other.status().message().find("not a chimed database"), std::string::npos);

  EXPECT_EQ(ReadSchemaVersion(dir_.path()).status().code(), Code::kInvalidArgument);
}

TEST_F(DatabaseSnapshotTest, SnapshotCopiesEverythingAndLeavesTheSourceAlone) {
  RewindToSchemaVersionOne(path_);
  const std::string before = FileBytes(path_);
  const std::string copy = dir_.File("copy.db");
  ASSERT_TRUE(SnapshotDatabase(path_, copy).ok());
  EXPECT_EQ(FileBytes(path_), before);

  struct stat st {};
  ASSERT_EQ(::stat(copy.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(*ReadSchemaVersion(copy), 1);

  // The copy is a whole database: the store opens it, upgrades it, and finds the account.
  auto store = SqliteStore::Open(copy, {});
  ASSERT_TRUE(store.ok()) << store.status().message();
  std::string name;
  ASSERT_TRUE((*store)
                  ->Read([&](Tx& tx) -> Status {
                    ASSIGN_OR_RETURN(model::Account a, tx.GetAccount("acc-1"));
                    name = a.name;
                    return OkStatus();
                  })
                  .ok());
  EXPECT_EQ(name, "Moving");
  (*store)->Close();
  EXPECT_EQ(*ReadSchemaVersion(copy), LatestSchemaVersion());
  EXPECT_EQ(*ReadSchemaVersion(path_), 1);
  EXPECT_EQ(FileBytes(path_), before);

  // Never over an existing file.
  EXPECT_EQ(SnapshotDatabase(path_, copy).code(), Code::kConflict);
}

}  // namespace
}  // namespace chime::store::sqlite
