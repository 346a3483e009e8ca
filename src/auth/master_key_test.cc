#include "auth/master_key.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/encoding.h"

namespace chime::auth {
namespace {

class MasterKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = "/tmp/chimed-mk-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static mode_t ModeOf(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0);
    return st.st_mode & 0777;
  }

  std::string dir_;
};

TEST_F(MasterKeyTest, DecodesHexAndBase64) {
  const std::string raw(32, '\x5a');
  auto hex = DecodeMasterKey(" " + HexEncode(raw) + "\n");
  ASSERT_TRUE(hex.ok());
  EXPECT_EQ(*hex, raw);
  auto b64 = DecodeMasterKey("WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlo=");
  ASSERT_TRUE(b64.ok());
  EXPECT_EQ(*b64, raw);
  auto b64_nopad = DecodeMasterKey("WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlo");
  ASSERT_TRUE(b64_nopad.ok());
  EXPECT_EQ(*b64_nopad, raw);
  for (const char* bad : {"", "short", "zz", "WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpa",
                          "gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg"}) {
    auto r = DecodeMasterKey(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok() && *bad) {
      EXPECT_EQ(r.status().message().find(bad), std::string::npos);
    }
  }
}

TEST_F(MasterKeyTest, CreatesOwnerOnlyFileWhateverTheUmask) {
  for (mode_t mask : {mode_t{0}, mode_t{022}, mode_t{077}}) {
    const std::string path = dir_ + "/master-" + std::to_string(mask) + ".key";
    mode_t old = ::umask(mask);
    auto first = LoadOrCreateMasterKey({std::nullopt, path}, CryptoRandom::Get());
    ::umask(old);
    ASSERT_TRUE(first.ok()) << first.status().message();
    EXPECT_TRUE(first->created);
    EXPECT_EQ(first->key.size(), 32u);
    EXPECT_EQ(ModeOf(path), 0600u) << "umask " << mask;
    auto again = LoadOrCreateMasterKey({std::nullopt, path}, CryptoRandom::Get());
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(again->created);
    EXPECT_EQ(again->key, first->key);
  }
  // No temporary files left behind.
  for (const auto& e : std::filesystem::directory_iterator(dir_)) {
    EXPECT_EQ(e.path().extension(), ".key") << e.path();
  }
}

TEST_F(MasterKeyTest, RefusesAKeyFileOthersCanRead) {
  const std::string path = dir_ + "/master.key";
  ASSERT_TRUE(LoadOrCreateMasterKey({std::nullopt, path}, CryptoRandom::Get()).ok());
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  auto r = LoadOrCreateMasterKey({std::nullopt, path}, CryptoRandom::Get());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("chmod 600"), std::string::npos);
}

TEST_F(MasterKeyTest, RefusesAMalformedKeyFile) {
  const std::string path = dir_ + "/master.key";
  ASSERT_TRUE(WriteOwnerOnlyFile(path, "not a key\n").ok());
  auto r = LoadOrCreateMasterKey({std::nullopt, path}, CryptoRandom::Get());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
}

TEST_F(MasterKeyTest, EnvironmentWinsAndCreatesNoFile) {
  const std::string path = dir_ + "/master.key";
  const std::string raw(32, '\x01');
  auto r = LoadOrCreateMasterKey({HexEncode(raw), path}, CryptoRandom::Get());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->key, raw);
  EXPECT_EQ(r->origin, "CHIMED_MASTER_KEY");
  EXPECT_FALSE(std::filesystem::exists(path));
  auto bad = LoadOrCreateMasterKey({std::string("nope"), path}, CryptoRandom::Get());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("CHIMED_MASTER_KEY"), std::string::npos);
}

TEST_F(MasterKeyTest, WriteOwnerOnlyFileReplacesAtomically) {
  const std::string path = dir_ + "/creds";
  mode_t old = ::umask(0);
  ASSERT_TRUE(WriteOwnerOnlyFile(path, "one").ok());
  ASSERT_TRUE(WriteOwnerOnlyFile(path, "two").ok());
  ::umask(old);
  EXPECT_EQ(ModeOf(path), 0600u);
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "two");
}

}  // namespace
}  // namespace chime::auth
